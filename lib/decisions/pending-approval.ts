import { requestedPayload, stageView, type ApprovalRouting, type Reason } from "../actions/index.ts";
import type { ApprovalRequestedPayload, HandoffFacts } from "../webhooks/index.ts";

/**
 * Escalation paths in the group commit (commit-batch.ts calls these; kept apart so the batch
 * stays small): how a pending draft asks people — its routing (stages, fallback team, editable
 * paths) and the agent's hand-off — written beside the inserted action, and the
 * `approval.requested` payload that tells them.
 */

/** A pending draft's approval: null for decisions that are not pending. */
export type DraftApproval = {
  /** null: a plain single-stage approval with nothing editable. */
  routing: ApprovalRouting | null;
  handoff: HandoffFacts | null;
  /** For the notification (the agent identity of the request). */
  agentName: string;
  owner: string;
};

/** The stage columns of a freshly pending action (also what its first answer shows). */
export type StageColumns = { approval: ApprovalRouting | null; stage_index: number | null; stage_team_id: string | null; stage_expires_at: Date | null; handoff: HandoffFacts | null };

export function stageColumns(a: DraftApproval | null, now: number): StageColumns {
  const first = a?.routing?.stages?.[0];
  return {
    approval: a?.routing ?? null,
    stage_index: first ? 0 : null,
    stage_team_id: first?.teamId ?? null,
    stage_expires_at: first ? new Date(now + first.timeoutSeconds * 1000) : null,
    handoff: a?.handoff ?? null,
  };
}

/** The `approval.requested` payload of a freshly pending action. */
export function requestedPayloadOf(p: {
  id: string;
  agentId: string;
  cohort: string;
  action: string;
  resource: string;
  input: Record<string, unknown>;
  reasons: Reason[];
  quorum: number | null;
  expiresAt: Date | null;
  approval: DraftApproval | null;
  c: StageColumns;
}): ApprovalRequestedPayload {
  return requestedPayload({
    id: p.id,
    agentId: p.agentId,
    agentName: p.approval?.agentName ?? "",
    owner: p.approval?.owner ?? "",
    cohort: p.cohort,
    action: p.action,
    resource: p.resource,
    input: p.input,
    reasons: p.reasons,
    quorum: p.quorum,
    expiresAt: p.expiresAt,
    stage: stageView({ status: "PENDING", approval: p.c.approval, stage_index: p.c.stage_index, stage_expires_at: p.c.stage_expires_at, expires_at: p.expiresAt }),
    handoff: p.c.handoff,
  });
}
