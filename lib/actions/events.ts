import type { AuditInput } from "../audit/index.ts";
import { approvalLink } from "../config/index.ts";
import type { ApprovalDecidedPayload, ApprovalEscalatedPayload, ApprovalRequestedPayload, HandoffFacts, SettleCause } from "../webhooks/index.ts";
import { inputChanges, inputSummary } from "./input-changes.ts";
import { briefReason, type Reason } from "./reasons.ts";
import type { StageView } from "./stages.ts";
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
  /** The agent version it ran under (lib/releases), when the agent sent one. */
  version?: string | null;
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
      ...(a.version ? { version: a.version } : {}),
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
export type SettledFacts = {
  id: string;
  agentId: string;
  agentName: string;
  cohort: string;
  action: string;
  resource: string;
  quorum: number | null;
  decidedAt: Date;
  /** The stage it was pending at when settled (null: none recorded, e.g. history). */
  stage?: StageView | null;
  /** The stored input, and the approved one when approvers changed it. */
  input?: unknown;
  approvedInput?: unknown;
  approvedInputHash?: string | null;
};

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
      ...(a.stage && a.stage.of > 1 ? { stage: a.stage } : {}),
      ...(a.approvedInputHash ? { approvedInputHash: a.approvedInputHash } : {}),
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
    stage: a.stage ?? null,
    modifiedInput: a.approvedInput ? { changes: inputChanges(a.input ?? {}, a.approvedInput), approvedInputHash: a.approvedInputHash ?? null } : null,
    input: inputSummary(a.input),
    link: approvalLink(a.id),
  };
}

/** A pending action as the approval events describe it. */
export type PendingFacts = {
  id: string;
  agentId: string;
  agentName: string;
  owner: string;
  cohort: string;
  action: string;
  resource: string;
  input: unknown;
  reasons: Reason[];
  quorum: number | null;
  expiresAt: Date | null;
  stage: StageView | null;
  handoff: HandoffFacts | null;
};

/** The `approval.requested` payload: a pending action (or its next stage) waits for people. */
export function requestedPayload(p: PendingFacts): ApprovalRequestedPayload {
  return {
    actionId: p.id,
    agentId: p.agentId,
    agent: p.agentName,
    owner: p.owner,
    cohort: p.cohort,
    action: p.action,
    resource: p.resource,
    input: inputSummary(p.input),
    quorum: p.quorum,
    expiresAt: p.expiresAt?.toISOString() ?? null,
    reasons: p.reasons.map(briefReason),
    stage: p.stage,
    handoff: p.handoff,
    link: approvalLink(p.id),
  };
}

/** How a stage move is described: by timeout (`approval.escalated`) or by a stage's quorum (`approval.advanced`). */
export type StageMoveFacts = {
  cause: "timeout" | "vote";
  from: StageView;
  to: StageView;
  onTimeout: "escalate" | "approve" | null;
  toFallbackTeam: boolean;
  /** The deadline that passed (timeouts). */
  timedOutAt: Date | null;
  actor: string;
  by: string;
  at: Date;
};

/** What `approval.escalated` (timeout) or `approval.advanced` (quorum reached) records. */
export function stageMovedEvent(m: StageMoveFacts, p: PendingFacts): AuditInput {
  return {
    actor: m.actor,
    kind: m.cause === "timeout" ? "approval.escalated" : "approval.advanced",
    subject: `action:${p.id}`,
    agentId: p.agentId,
    cohort: p.cohort,
    data: {
      action: p.action,
      from: m.from,
      to: m.to,
      ...(m.cause === "timeout" ? { onTimeout: m.onTimeout, toFallbackTeam: m.toFallbackTeam, timedOutAt: m.timedOutAt?.toISOString() ?? null } : { by: m.by }),
    },
  };
}

/** The `approval.escalated` webhook payload. */
export function escalatedPayload(m: StageMoveFacts, p: PendingFacts): ApprovalEscalatedPayload {
  return {
    actionId: p.id,
    agentId: p.agentId,
    agent: p.agentName,
    owner: p.owner,
    cohort: p.cohort,
    action: p.action,
    resource: p.resource,
    input: inputSummary(p.input),
    reasons: p.reasons.map(briefReason),
    from: m.from,
    stage: m.to,
    onTimeout: m.onTimeout === "approve" ? "approve" : "escalate",
    toFallbackTeam: m.toFallbackTeam,
    expiresAt: p.expiresAt?.toISOString() ?? null,
    escalatedAt: m.at.toISOString(),
    link: approvalLink(p.id),
  };
}
