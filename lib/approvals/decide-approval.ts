import { z } from "zod";
import { escalateDueActions, expireDueActions } from "../actions/index.ts";
import type { Principal } from "../auth/index.ts";
import { lockBudgetsOf } from "../budgets/index.ts";
import { withPgTransaction } from "../db/index.ts";
import { conflict, notFound, WardenError } from "../errors/index.ts";
import { castVote, type ApprovalOutcome } from "./cast-vote.ts";
import { lockActions, overdue } from "./locked-action.ts";

const inputDoc = z
  .record(z.string(), z.unknown())
  .refine((v) => Buffer.byteLength(JSON.stringify(v)) <= 64 * 1024, "input must be at most 64 KiB serialized");

export const approvalDecisionSchema = z
  .strictObject({
    decision: z.enum(["approve", "reject"]),
    comment: z.string().trim().max(2000, "at most 2,000 characters").optional(),
    /** Approve with changes: the whole modified input (only the policy's `editable` fields may differ). */
    input: inputDoc.optional(),
  })
  .refine((v) => v.input === undefined || v.decision === "approve", { path: ["input"], message: "only an approval can change the input" });
export type ApprovalDecision = z.infer<typeof approvalDecisionSchema>;

/**
 * One approver's vote (`POST /api/approvals/{actionId}`), in a transaction that locks the
 * action: concurrent votes are applied one after the other, and the one that completes the
 * last quorum settles it — a later one finds it decided (409 action_decided). See castVote for
 * the rules. A vote after the deadline (by the database's clock) applies the timeout first
 * (single stage: expired; staged: the stage's onTimeout) and is refused (409 action_expired /
 * stage_timed_out); so is one whose settlement comes after the deadline (rolled back whole).
 *
 * Throws not_found; action_decided / already_voted / action_expired / stage_timed_out /
 * changes_after_votes / modified_input_needs_other_approval / changes_exceed_budget /
 * budget_changed (409); not_in_stage /
 * owner_cannot_approve_alone (403); input_not_editable / modified_input_denied (400).
 */
export async function decideApproval({ actionId, principal, input }: { actionId: string; principal: Principal; input: ApprovalDecision }): Promise<ApprovalOutcome> {
  let late: "expired" | "stage" | null = null;
  const outcome = await withPgTransaction(async (run) => {
    const [a] = await lockActions(run, [actionId]);
    if (!a) throw notFound("Action");
    late = overdue(a);
    if (late) return null;
    if (a.status !== "PENDING") throw conflict("action_decided", `This action is already ${a.status.toLowerCase()}`);
    // Budgets before the audit chain head the vote's events take, as decisions lock them.
    await lockBudgetsOf(run, [a.id]);
    return castVote(run, a, principal, input);
  }).catch(async (err: unknown) => {
    // Too late to settle (castVote): the vote is rolled back; record the timeout now.
    if (err instanceof WardenError && err.code === "action_expired") await expireDueActions([actionId]);
    throw err;
  });
  if (late === "expired") {
    await expireDueActions([actionId]);
    throw conflict("action_expired", "This action expired before a decision");
  }
  if (late === "stage") {
    await escalateDueActions([actionId]);
    throw conflict("stage_timed_out", "This action's stage timed out before your vote, and it moved on: look at it again");
  }
  return outcome!;
}
