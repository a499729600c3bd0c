import type { ActionStatus, InputChange, Reason, StageView } from "../actions/index.ts";
import type { SignedCheckpoint } from "../audit/index.ts";

/**
 * The catalogue of webhook events and the one payload shape of each (the `data` of a
 * delivery's `{event, at, data}` body). Writers are typed by it, so an event can't be sent
 * with a payload of another shape. Approval events carry what a message needs (who, what,
 * why, the amounts in the input, the stage, and a `link` to the dashboard's approval page):
 * a Slack-format webhook renders them as Block Kit (slack.ts).
 */
export const WEBHOOK_EVENTS = [
  "approval.requested",
  "approval.decided",
  "approval.escalated",
  "cohort.halted",
  "agent.halted",
  "global.halted",
  "breaker.opened",
  "breaker.closed",
  "budget.exceeded",
  "anomaly.detected",
  "rollout.step",
  "rollout.rolled_back",
  "rollout.completed",
  "knowledge.proposed",
  "knowledge.published",
  "audit.checkpoint",
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** Formats a webhook endpoint can receive: Warden's signed JSON, or a Slack incoming-webhook message. */
export const WEBHOOK_FORMATS = ["json", "slack"] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

/** The agent's hand-off, as it asked for a human (`POST /v1/actions` `handoff`). */
export type HandoffFacts = { reason: string; confidence: number | null };

/**
 * A pending action waiting for people: sent when it is first held, and again (cause `stage`)
 * each time an approved stage opens the next one, for that stage's team.
 */
export type ApprovalRequestedPayload = {
  actionId: string;
  agentId: string;
  /** The agent's name and its accountable owner. */
  agent: string;
  owner: string;
  cohort: string;
  action: string;
  resource: string;
  /** The stored (redacted) input: whole up to 4 KiB serialized, else its top-level scalar fields. */
  input: Record<string, unknown>;
  quorum: number | null;
  expiresAt: string | null;
  reasons: Reason[];
  /** The stage now waiting (team null: any approver). */
  stage: StageView | null;
  handoff: HandoffFacts | null;
  /** The dashboard's page for this approval (WARDEN_PUBLIC_URL / NEXTAUTH_URL). */
  link: string;
};

/** Why a pending action left `pending`. */
export type SettleCause = "vote" | "timeout" | "halt" | "breaker" | "stage_timeout" | "grants";

/** A pending action settled: approved or rejected by people, rejected by a halt, expired. */
export type ApprovalDecidedPayload = {
  actionId: string;
  agentId: string;
  agent: string;
  cohort: string;
  action: string;
  resource: string;
  status: Extract<ActionStatus, "approved" | "rejected" | "expired">;
  cause: SettleCause;
  reason: string;
  /** Who decided, for people: an approver's or the halting person's e-mail, or "system" (a timeout). */
  by: string;
  comment: string | null;
  approvals: number;
  quorum: number | null;
  decidedAt: string;
  /** The stage it was decided in (null when it never had one: not a human approval). */
  stage: StageView | null;
  /** Approved with changes: what the approvers changed in the input (else null). */
  modifiedInput: { changes: InputChange[]; approvedInputHash: string | null } | null;
  /** The stored (redacted) input, as in approval.requested. */
  input: Record<string, unknown>;
  link: string;
};

/** A stage ran out of time and the action climbed to the next stage (or the fallback team). */
export type ApprovalEscalatedPayload = {
  actionId: string;
  agentId: string;
  agent: string;
  owner: string;
  cohort: string;
  action: string;
  resource: string;
  input: Record<string, unknown>;
  reasons: Reason[];
  /** The stage that timed out and the one now waiting. */
  from: StageView;
  stage: StageView;
  /** What the timed-out stage said to do: "escalate", or "approve" (the stage passed by timeout). */
  onTimeout: "escalate" | "approve";
  toFallbackTeam: boolean;
  expiresAt: string | null;
  escalatedAt: string;
  link: string;
};

/** A kill switch was thrown. */
export type HaltedPayload = { target: string; reason: string; /** the halting person's e-mail (or "system") */ by: string; rejectedPending: number };

/** How a draft changes its set against the published version (counts of records). */
export type KnowledgeDiffSummary = { added: number; changed: number; removed: number; refreshed: number; unchanged: number };

/** A change to a knowledge set waits for someone other than its author to approve it. */
export type KnowledgeProposedPayload = {
  set: string;
  draftId: string;
  author: string;
  baseVersion: number;
  origin: string;
  summary: KnowledgeDiffSummary;
};

/** A draft was approved: the set has a new published version. */
export type KnowledgePublishedPayload = {
  set: string;
  version: number;
  previousVersion: number;
  draftId: string;
  proposedBy: string;
  approvedBy: string;
  publishedAt: string;
  records: number;
  summary: Omit<KnowledgeDiffSummary, "unchanged">;
};
/**
 * A signed checkpoint of the audit chains' heads (lib/audit/checkpoints.ts), exactly as stored:
 * keep it outside Warden's database; `npm run audit:verify -- --checkpoint FILE` or
 * `POST /api/audit/checkpoints/check` proves the log still contains what it signed.
 */
export type AuditCheckpointPayload = SignedCheckpoint;

/** What a breaker holds or watches: an agent (by id, with its name) or a cohort. */
export type ContainmentScope = { kind: "agent" | "cohort"; id: string; name: string };

/** A circuit breaker opened: what crossed what, and what it now holds. */
export type BreakerOpenedPayload = {
  breakerId: string;
  name: string;
  scope: ContainmentScope;
  holds: ContainmentScope;
  /** `metric`: its metric crossed the threshold; `probes`: half-open probes failed; `anomaly`: an unusual-access alert. */
  cause: "metric" | "probes" | "anomaly";
  metric: string;
  value: number;
  threshold: number;
  samples: number;
  windowSeconds: number;
  message: string;
  openedAt: string;
  rejectedPending: number;
};

/** A circuit breaker closed: reset by a person (with a reason) or its probes passed. */
export type BreakerClosedPayload = { breakerId: string; name: string; holds: ContainmentScope | null; cause: "reset" | "probes" | "deleted"; by: string; reason: string; closedAt: string };

/** A budget refused or escalated an action for the first time in its window. */
export type BudgetExceededPayload = {
  budgetId: string;
  name: string;
  scope: ContainmentScope;
  unit: string;
  limit: number;
  used: number;
  amount: number;
  onExceed: "deny" | "require_approval";
  actionId: string;
  agentId: string;
  windowStart: string;
  windowEnd: string;
};

/** An agent did something unusual for it (lib/anomalies). */
export type AnomalyDetectedPayload = {
  anomalyId: string;
  agentId: string;
  agent: string;
  cohort: string;
  kind: string;
  subject: string;
  value: number;
  baseline: number;
  explanation: string;
  breakersOpened: string[];
  hour: string;
};

/** What a rollout's webhooks say about it (lib/releases). */
export type RolloutRef = { rolloutId: string; agentId: string; agent: string; candidate: string; baseline: string; mode: "canary" | "experiment" };

/** A rollout moved to its next step (share = the candidate's percentage of traffic now). */
export type RolloutStepPayload = RolloutRef & { step: number; share: number; previousShare: number; cause: "automatic" | "operator"; by: string; reason: string; at: string };

/** One guard's comparison at the moment of a rollback. */
export type RolloutGuardFacts = {
  metric: string;
  candidate: { rate: number; n: number };
  baseline: { rate: number; n: number };
  interval: [number, number] | null;
  verdict: "ok" | "regressed" | "insufficient";
  maxRelativeIncrease?: number;
  maxAbsoluteIncrease?: number;
};

/** A rollout was rolled back: by a guard (which one, both rates, the interval, the samples) or by an operator. */
export type RolloutRolledBackPayload = RolloutRef & { step: number; share: number; cause: "guard" | "operator"; guard: RolloutGuardFacts | null; by: string; reason: string; at: string };

/** A rollout completed: the candidate is the agent's current version. */
export type RolloutCompletedPayload = RolloutRef & { steps: number[]; cause: "automatic" | "operator"; by: string; reason: string; at: string };

export type WebhookPayloads = {
  "approval.requested": ApprovalRequestedPayload;
  "approval.decided": ApprovalDecidedPayload;
  "approval.escalated": ApprovalEscalatedPayload;
  "cohort.halted": HaltedPayload;
  "agent.halted": HaltedPayload;
  "global.halted": HaltedPayload;
  "breaker.opened": BreakerOpenedPayload;
  "breaker.closed": BreakerClosedPayload;
  "budget.exceeded": BudgetExceededPayload;
  "anomaly.detected": AnomalyDetectedPayload;
  "rollout.step": RolloutStepPayload;
  "rollout.rolled_back": RolloutRolledBackPayload;
  "rollout.completed": RolloutCompletedPayload;
  "knowledge.proposed": KnowledgeProposedPayload;
  "knowledge.published": KnowledgePublishedPayload;
  "audit.checkpoint": AuditCheckpointPayload;
};
