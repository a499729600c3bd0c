export { decideApproval, approvalDecisionSchema, type ApprovalDecision, type ApprovalOutcome } from "./decide-approval.ts";
export { listApprovals, pendingCount, listApprovalsSchema, type ApprovalItem, type ListApprovalsInput } from "./list-approvals.ts";
