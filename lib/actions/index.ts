/**
 * The action: its vocabulary, its state machine and the one owner of every transition.
 *
 * - status.ts — `ActionStatus` (the API's words), `decisionOf`, the transitions table, and the
 *   only mapping to the database enum.
 * - answer.ts — `answerOf(row, now)`: the answer agents get; an overdue pending action reads as
 *   expired without a write.
 * - settle-pending.ts — `settlePending(run, settlement)`: every move out of `pending` (vote,
 *   timeout, halt, breaker…) with its audit event, webhook and NOTIFY in the caller's
 *   transaction.
 * - expire-due.ts — `expireDueActions()`: the timeout transition, run by the jobs.
 *
 * - action-name.ts — `actionNameSchema`, and `actionGlobSchema` for anything that targets actions
 *   by glob (policies; budgets and grants to come).
 *
 * Creating an action (→ allowed | denied | pending) is the decision pipeline's group commit
 * (lib/decisions/commit-batch.ts), using `initialStatus` and `toDbStatus` from here.
 */
export { ACTION_STATUSES, DECISIONS, TRANSITIONS, canTransition, decisionOf, initialStatus, toDbStatus, fromDbStatus, type ActionStatus, type Decision, type InitialStatus, type SettledStatus } from "./status.ts";
export { REASON_CODES, EXPIRED_REASON, briefReason, type Reason, type ReasonCode } from "./reasons.ts";
export { answerOf, type ActionAnswer, type ActionRow } from "./answer.ts";
export { settlePending, type Settlement, type SettleTarget, type SettledAction } from "./settle-pending.ts";
export { expireDueActions } from "./expire-due.ts";
export { decidedEvent, settledEvent, settledPayload, type SettlementFacts, type SettledFacts } from "./events.ts";
export { ACTION_NAME, actionNameSchema, actionGlobSchema } from "./action-name.ts";
