export { decideAction, requestHash } from "./decide.ts";
export { readAction, expireDueActions } from "./read-action.ts";
export { reportResult, type ResultAnswer } from "./report-result.ts";
export { actionRequestSchema, resultSchema, waitQuerySchema, MAX_ACTION_BODY_BYTES, type ActionRequest, type ResultReport } from "./schemas.ts";
export { answerOf, decisionOf, type ActionAnswer, type ActionStatusName, type DecisionName } from "./present.ts";
export { listActions, listActionNames, getAction, listActionsSchema, type ActionView, type ApprovalVoteView, type ListActionsInput } from "./list-actions.ts";
