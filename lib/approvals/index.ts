/**
 * Human in the loop: the approval queue (list-approvals.ts) and votes (decide-approval.ts):
 * a quorum of distinct approvers, any rejection rejects, an agent's owner never its only
 * approver (votes.ts). Settling goes through lib/actions' `settlePending`.
 */
export { decideApproval, approvalDecisionSchema, type ApprovalDecision, type ApprovalOutcome } from "./decide-approval.ts";
export { listApprovals, pendingCount, listApprovalsSchema, type ApprovalItem, type ListApprovalsInput } from "./list-approvals.ts";
export { isAgentOwner, ownerWouldApproveAlone, voteEvent, voteOutcomeMessage } from "./votes.ts";
