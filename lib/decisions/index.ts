/**
 * The decision pipeline (the data plane's hot path): `decideAction` evaluates the compiled
 * policies on the raw request, redacts PII, and hands the draft to the group commit
 * (batcher.ts → commit-batch.ts), which re-checks keys and halts under the shared halt lock
 * and writes the action with its audit event before the agent is answered. `readAction`
 * long-polls a pending action; `reportResult` records what happened and runs post-checks.
 * State transitions after the decision belong to lib/actions.
 */
export { decideAction, requestHash } from "./decide.ts";
export { readAction } from "./read-action.ts";
export { reportResult, type ResultAnswer } from "./report-result.ts";
export { resultAnswerSchema } from "./responses.ts";
export { actionRequestSchema, resultSchema, waitQuerySchema, MAX_ACTION_BODY_BYTES, MAX_RESULT_BODY_BYTES, type ActionRequest, type ResultReport } from "./schemas.ts";
export { listActions, listActionNames, getAction, listActionsSchema, type ActionView, type ApprovalVoteView, type ListActionsInput } from "./list-actions.ts";
export { decisionsApi } from "./openapi.ts";
export { batchStats } from "./batcher.ts";
