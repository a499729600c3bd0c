import { z } from "zod";
import { approvalOutcomeSchema } from "../actions/index.ts";
import type { ApiOperation } from "../openapi/index.ts";
import { approvalDecisionSchema } from "./decide-approval.ts";
import { bulkDecisionSchema } from "./decide-bulk.ts";
import { listApprovalsSchema } from "./list-approvals.ts";

// ApprovalItem / ApprovalOutcome / BulkOutcome are documented by their stable fields; the
// schemas stay open (more fields may appear) until those types get schemas of their own.
const item = z.looseObject({
  actionId: z.string(),
  action: z.string(),
  status: z.string(),
  votesNeeded: z.number().int().nullable().describe("Pending: approvals still needed at the current stage"),
  outcome: approvalOutcomeSchema.nullable().describe("Decided: how it ended (approved, with changes, rejected by a person, expired, by a halt, a breaker, a stage's timeout, changed grants)"),
  you: z
    .object({ canAct: z.boolean(), override: z.boolean(), voted: z.boolean(), vote: z.enum(["approve", "reject"]).nullable() })
    .optional()
    .describe("Pending, for a signed-in caller: what they can do and their own vote"),
});

/** `GET /api/approvals/count` */
export const pendingCountAnswerSchema = z.object({ pending: z.number().int(), oldestAt: z.iso.datetime().nullable(), mine: z.number().int().optional() });

/** The approval queue and decisions on it. */
export const approvalsApi: ApiOperation[] = [
  {
    method: "get",
    path: "/api/approvals",
    operationId: "listApprovals",
    tag: "Approvals",
    auth: "user",
    permission: "read",
    summary: "The queue, oldest first (pending or decided), keyset-paged",
    query: listApprovalsSchema,
    responses: { 200: { description: "A page of the queue", schema: z.looseObject({ approvals: z.array(item), nextCursor: z.string().nullable(), total: z.number().int().optional().describe("Pending lists: everything the filters match, on every page") }) } },
    errors: ["invalid_cursor"],
  },
  {
    method: "get",
    path: "/api/approvals/count",
    operationId: "pendingApprovalCount",
    tag: "Approvals",
    auth: "user",
    permission: "read",
    summary: "How many actions wait for people, and since when",
    responses: { 200: { description: "The count", schema: pendingCountAnswerSchema, example: { pending: 3, oldestAt: "2026-11-29T18:00:00.000Z", mine: 1 } } },
  },
  {
    method: "post",
    path: "/api/approvals/{actionId}",
    operationId: "decideApproval",
    tag: "Approvals",
    auth: "user",
    permission: "approvals:decide",
    summary: "Approve (optionally with changes) or reject a pending action",
    description: "An agent's own owner can't be the only approver of its action; the same user counts once toward a quorum; a decided or expired action answers 409.",
    params: { actionId: "The pending action's id" },
    body: approvalDecisionSchema,
    bodyExample: { decision: "approve", comment: "ok for the weekend sale" },
    responses: { 200: { description: "The vote's outcome", schema: z.looseObject({}) } },
    errors: [
      "owner_cannot_approve_alone",
      "not_in_stage",
      "action_decided",
      "action_expired",
      "already_voted",
      "stage_timed_out",
      "input_not_editable",
      "modified_input_denied",
      "changes_after_votes",
      "modified_input_needs_other_approval",
      "changes_exceed_budget",
      "budget_changed",
    ],
  },
  {
    method: "post",
    path: "/api/approvals/bulk",
    operationId: "decideApprovalsInBulk",
    tag: "Approvals",
    auth: "user",
    permission: "approvals:decide",
    summary: "Approve or reject many pending actions at once",
    body: bulkDecisionSchema,
    bodyExample: { decision: "reject", actionIds: ["act_01", "act_02"], comment: "duplicate requests" },
    responses: { 200: { description: "Each action's outcome", schema: z.looseObject({}) } },
    errors: ["bulk_mixed", "owner_cannot_approve_alone", "not_in_stage"],
  },
];
