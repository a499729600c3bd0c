/**
 * The catalogue of audit event kinds: every change Warden records is one of these. The audit
 * page's kind filter, the writers (through the `AuditKind` type) and the tests read this one
 * list, so a new kind can't be forgotten in one of them. Kinds are `family.event`; filters
 * accept `family.*`.
 */
export const AUDIT_KINDS = {
  "action.decided": "An agent asked; Warden allowed, denied or held the action for a human",
  "action.approved": "A pending action reached its approvals",
  "action.rejected": "A pending action was rejected (by a person, a halt or a breaker)",
  "action.expired": "A pending action's approval timed out",
  "action.result_reported": "The agent reported what happened after an allowed action",
  "action.flagged": "A post-stage policy flagged a reported result",
  "approval.granted": "An approver voted to approve",
  "approval.refused": "An approver voted to reject",
  "approval.advanced": "A stage reached its quorum; the action moved to its next stage",
  "approval.escalated": "A stage timed out; the action climbed to its next stage or fallback team",
  "team.created": "An approver team was created",
  "team.updated": "An approver team's name, members or default cohorts changed",
  "agent.registered": "An agent was registered",
  "agent.updated": "An agent's details changed",
  "agent.halted": "An agent was halted",
  "agent.resumed": "An agent was resumed",
  "agent_key.created": "An agent key was issued",
  "agent_key.revoked": "An agent key was revoked",
  "cohort.created": "A cohort was created",
  "cohort.halted": "A cohort was halted",
  "cohort.resumed": "A cohort was resumed",
  "global.halted": "Everything was halted",
  "global.resumed": "Everything was resumed",
  "policy.created": "A policy was created",
  "policy.updated": "A policy got a new version",
  "policy.enabled": "A policy was enabled",
  "policy.disabled": "A policy was disabled",
  "user.created": "A user was created",
  "user.updated": "A user's details changed",
  "user.role_changed": "A user's role changed",
  "user.password_changed": "A user changed their own password (their other sessions ended)",
  "user.password_reset": "An admin reset a user's password to a temporary one that must be changed at next sign-in",
  "auth.login": "Someone signed in",
  "auth.login_failed": "A sign-in failed",
  "auth.login_throttled": "Failed sign-ins started to be delayed (by client address, account or both)",
  "auth.login_unlocked": "An admin cleared the sign-in delays of an account",
  "auth.password_change_failed": "A password change gave a wrong current password",
  "auth.logout": "Someone signed out (their session ended on the server)",
  "token.created": "An API token was issued",
  "token.revoked": "An API token was revoked",
  "webhook.created": "A webhook endpoint was added",
  "webhook.deleted": "A webhook endpoint was removed",
  "settings.updated": "An admin setting changed",
  "audit.retention_applied": "Audit months were dropped by retention",
  "agent.capabilities_changed": "An agent's capability grants changed (before and after)",
  "agent.capabilities_requested": "An owner asked to widen their agent's grants; someone else must confirm",
  "agent.capabilities_rejected": "A request to widen an agent's grants was rejected",
  "agent.capabilities_superseded": "A request to widen an agent's grants lapsed: the grants changed, or a newer request replaced it",
  "budget.created": "A budget was created",
  "budget.updated": "A budget changed",
  "budget.deleted": "A budget was removed",
  "budget.exceeded": "A budget refused or escalated an action for the first time in its window",
  "breaker.created": "A circuit breaker was created",
  "breaker.updated": "A circuit breaker changed",
  "breaker.deleted": "A circuit breaker was removed",
  "breaker.opened": "A circuit breaker opened: what it covers is denied",
  "breaker.half_opened": "A circuit breaker's cooldown ended: it lets probe actions through",
  "breaker.closed": "A circuit breaker closed (reset by a person, or its probes passed)",
  "anomaly.detected": "An agent did something unusual for it",
  "agent_version.registered": "A version of an agent (label and configuration) was registered",
  "rollout.started": "A canary rollout or experiment of an agent version started",
  "rollout.step": "A rollout moved to its next traffic step",
  "rollout.paused": "A rollout was paused by an operator",
  "rollout.resumed": "A rollout was resumed by an operator",
  "rollout.rolled_back": "A rollout was rolled back (a guard regressed, or by an operator): the candidate gets no traffic",
  "rollout.completed": "A rollout finished: its candidate is the agent's current version",
  "rollout.ended": "An operator ended an experiment without changing the current version",
  "knowledge.set_created": "A knowledge set was created",
  "knowledge.set_updated": "A knowledge set's description, owner, schema, readers or freshness changed",
  "knowledge.proposed": "A change to a knowledge set was proposed (a draft)",
  "knowledge.published": "A draft was approved and published as a new version of its knowledge set",
  "knowledge.rejected": "A knowledge draft was rejected or withdrawn",
} as const;

/** A catalogued kind; `test.*` is reserved for the test suite's synthetic events. */
export type AuditKind = keyof typeof AUDIT_KINDS | `test.${string}`;

/** Every kind, then one `family.*` filter per family: what the audit page offers. */
export function auditKindFilters(): string[] {
  const kinds = Object.keys(AUDIT_KINDS);
  const families = [...new Set(kinds.map((k) => k.split(".")[0]!))].map((f) => `${f}.*`);
  return [...families, ...kinds].sort();
}
