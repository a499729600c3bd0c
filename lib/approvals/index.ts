/**
 * Human in the loop: the approval queue (list-approvals.ts: everything, or what the caller can
 * act on now, with counts per team) and votes (cast-vote.ts), one at a time (decide-approval.ts)
 * or on similar requests together (decide-bulk.ts): a quorum of distinct approvers per stage,
 * a stage's team (admins may override), any rejection rejects, nobody who owned the agent since
 * the request as the only approver (votes.ts), approve with changes within the editable fields
 * and re-evaluated by every policy (modify-input.ts). Settling and stage moves go through
 * lib/actions' `settlePending` and `escalatePending`.
 */
export { decideApproval, approvalDecisionSchema, type ApprovalDecision } from "./decide-approval.ts";
export { decideBulk, bulkDecisionSchema, spreadOf, MAX_BULK, type BulkDecision, type BulkOutcome, type Spread } from "./decide-bulk.ts";
export { castVote, type ApprovalOutcome, type Vote } from "./cast-vote.ts";
export { listApprovals, pendingCount, listApprovalsSchema, type ApprovalItem, type ApprovalCounts, type ApprovalVoteItem, type ListApprovalsInput } from "./list-approvals.ts";
export { isAgentOwner } from "../agents/index.ts";
export { ownerWouldApproveAlone, ownersWouldApproveAlone, voteEvent, voteOutcomeMessage } from "./votes.ts";
export { approvalsApi, pendingCountAnswerSchema } from "./openapi.ts";
