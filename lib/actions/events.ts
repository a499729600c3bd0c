import type { AuditInput } from "../audit/index.ts";
import type { ApprovalDecidedPayload, SettleCause } from "../webhooks/index.ts";
import { briefReason, type Reason } from "./reasons.ts";
import { decisionOf, type ActionStatus, type SettledStatus } from "./status.ts";

/**
 * The one shape of each lifecycle event — the audit event and the webhook payload a
 * transition writes. Pure builders, so the live transitions and the history writer
 * (`npm run seed:volume`) record exactly the same thing.
 */

/** What `action.decided` records for a new action (commit-batch.ts). */
export function decidedEvent(a: {
  id: string;
  agentId: string;
  cohort: string;
  action: string;
  resource: string;
  status: ActionStatus;
  reasons: Reason[];
  shadow: Reason[];
  requestHash: string;
  idempotencyKey: string | null;
  redactions: readonly unknown[];
  /** Knowledge-set versions the decision's policies read, and flags raised at decision time. */
  knowledge?: readonly { set: string; version: number }[];
  flags?: readonly unknown[];
  at?: Date;
}): AuditInput {
  return {
    actor: `agent:${a.agentId}`,
    kind: "action.decided",
    subject: `action:${a.id}`,
    agentId: a.agentId,
    cohort: a.cohort,
    at: a.at,
    data: {
      action: a.action,
      resource: a.resource,
      decision: decisionOf(a.status),
      status: a.status,
      reasons: a.reasons.map(briefReason),
      shadow: a.shadow.map(briefReason),
      requestHash: a.requestHash,
      idempotencyKey: a.idempotencyKey,
      ...(a.redactions.length ? { redactions: a.redactions } : {}),
      ...(a.knowledge?.length ? { knowledge: a.knowledge } : {}),
      ...(a.flags?.length ? { flags: a.flags } : {}),
    },
  };
}

/** How a settlement is described, whatever it settles. */
export type SettlementFacts = {
  outcome: SettledStatus;
  cause: SettleCause;
  reason: Reason;
  actor: string;
  by: string;
  comment?: string | null;
  approvals?: number;
  auditData?: Record<string, unknown>;
};

/** The settled action, as the audit event and webhook name it. */
export type SettledFacts = { id: string; agentId: string; agentName: string; cohort: string; action: string; resource: string; quorum: number | null; decidedAt: Date };

/** What `action.approved|rejected|expired` records. */
export function settledEvent(s: SettlementFacts, a: SettledFacts): AuditInput {
  return {
    actor: s.actor,
    kind: `action.${s.outcome}`,
    subject: `action:${a.id}`,
    agentId: a.agentId,
    cohort: a.cohort,
    at: a.decidedAt,
    data: {
      action: a.action,
      status: s.outcome,
      cause: s.cause,
      reason: s.reason.message,
      ...(s.approvals !== undefined ? { approvals: s.approvals, quorum: a.quorum ?? 1 } : {}),
      ...s.auditData,
    },
  };
}

/** The `approval.decided` webhook payload of a settlement (one shape for every cause). */
export function settledPayload(s: SettlementFacts, a: SettledFacts): ApprovalDecidedPayload {
  return {
    actionId: a.id,
    agentId: a.agentId,
    agent: a.agentName,
    cohort: a.cohort,
    action: a.action,
    resource: a.resource,
    status: s.outcome,
    cause: s.cause,
    reason: s.reason.message,
    by: s.by,
    comment: s.comment ?? null,
    approvals: s.approvals ?? 0,
    quorum: a.quorum,
    decidedAt: a.decidedAt.toISOString(),
  };
}
