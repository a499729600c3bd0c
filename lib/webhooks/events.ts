import type { ActionStatus, Reason } from "../actions/index.ts";

/**
 * The catalogue of webhook events and the one payload shape of each (the `data` of a
 * delivery's `{event, at, data}` body). Writers are typed by it, so an event can't be sent
 * with a payload of another shape.
 */
export const WEBHOOK_EVENTS = [
  "approval.requested",
  "approval.decided",
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
] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** A pending action waiting for people. */
export type ApprovalRequestedPayload = {
  actionId: string;
  agentId: string;
  cohort: string;
  action: string;
  resource: string;
  quorum: number | null;
  expiresAt: string | null;
  reasons: Reason[];
};

/** Why a pending action left `pending`. */
export type SettleCause = "vote" | "timeout" | "halt" | "breaker";

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
  /** Who decided: an approver's e-mail, the halting actor, or "system" for a timeout. */
  by: string;
  comment: string | null;
  approvals: number;
  quorum: number | null;
  decidedAt: string;
};

/** A kill switch was thrown. */
export type HaltedPayload = { target: string; reason: string; by: string; rejectedPending: number };

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
export type BreakerClosedPayload = { breakerId: string; name: string; holds: ContainmentScope | null; cause: "reset" | "probes"; by: string; reason: string; closedAt: string };

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
};
