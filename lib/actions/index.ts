/**
 * The action: its vocabulary, its state machine and the one owner of every transition.
 *
 * - status.ts — `ActionStatus` (the API's words), `decisionOf`, the transitions table, and the
 *   only mapping to the database enum.
 * - answer.ts — `answerOf(row, now)`: the answer agents get; an overdue single-stage pending
 *   action reads as expired without a write; a pending one carries its stage, an approved one
 *   with changes its `approvedInput`.
 * - settle-pending.ts — `settlePending(run, settlement)`: every move out of `pending` (vote,
 *   timeout, stage timeout, halt, breaker…) with its audit event, webhook and NOTIFY in the
 *   caller's transaction.
 * - stages.ts / escalate-pending.ts — escalation paths: `escalatePending(run, ids, move)`, the
 *   move of a pending action to its next stage (a stage's quorum, or its timeout), with its
 *   audit event, webhook and NOTIFY in the caller's transaction.
 * - expire-due.ts / escalate-due.ts — the jobs: `expireDueActions()` (single-stage timeouts)
 *   and `escalateDueActions()` (stage timeouts: climb, approve, reject or expire).
 *
 * - outcome.ts — `outcomeOf`: every way an approval ends (approved, with changes, rejected by a
 *   person, expired, by a halt, a breaker, a stage's timeout, changed grants) and its one label.
 *
 * - action-name.ts — `actionNameSchema`, and `actionGlobSchema` for anything that targets actions
 *   by glob (policies; budgets and grants to come).
 *
 * Creating an action (→ allowed | denied | pending) is the decision pipeline's group commit
 * (lib/decisions/commit-batch.ts), using `initialStatus` and `toDbStatus` from here.
 */
export { ACTION_STATUSES, DECISIONS, TRANSITIONS, canTransition, decisionOf, initialStatus, toDbStatus, fromDbStatus, type ActionStatus, type Decision, type InitialStatus, type SettledStatus } from "./status.ts";
export { REASON_CODES, EXPIRED_REASON, briefReason, type Reason, type ReasonCode } from "./reasons.ts";
export { actionAnswerSchema, reasonSchema, receiptSchema, receiptPayloadSchema } from "./answer-schema.ts";
export { answerOf, awaitingDecisionSql, ANSWER_COLUMNS, OVERDUE_SQL, type ActionAnswer, type ActionRow } from "./answer.ts";
export { settlePending, type Settlement, type SettleTarget, type SettledAction } from "./settle-pending.ts";
export { expireDueActions } from "./expire-due.ts";
export { escalatePending, type EscalatedAction, type StageMove } from "./escalate-pending.ts";
export { escalateDueActions } from "./escalate-due.ts";
export { ON_TIMEOUT, routingOf, stageView, stageLabel, secondsLeftFrom, timeoutPlan, type ApprovalRouting, type OnTimeout, type RoutedStage, type StageView, type TimeoutPlan } from "./stages.ts";
export { inputChanges, inputHash, inputSummary, valueAt, withValueAt, type InputChange } from "./input-changes.ts";
export { decidedEvent, settledEvent, settledPayload, requestedPayload, stageMovedEvent, escalatedPayload, type SettlementFacts, type SettledFacts, type PendingFacts, type StageMoveFacts } from "./events.ts";
export { ACTION_NAME, actionNameSchema, actionGlobSchema } from "./action-name.ts";
export { APPROVAL_OUTCOMES, approvalOutcomeSchema, outcomeOf, type ApprovalOutcome, type ApprovalOutcomeCode } from "./outcome.ts";
