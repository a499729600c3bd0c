import { z } from "zod";
import { txRunner } from "../audit/record.ts";
import { auditTx } from "../audit/index.ts";
import type { Principal } from "../auth/index.ts";
import { prisma } from "../db/index.ts";
import { expireDueActions } from "../decisions/index.ts";
import { notifySql } from "../events/index.ts";
import { conflict, notFound, WardenError } from "../http/errors.ts";
import { newId } from "../ids.ts";
import { enqueueWebhook } from "../webhooks/enqueue.ts";

export const approvalDecisionSchema = z.strictObject({
  decision: z.enum(["approve", "reject"]),
  comment: z.string().trim().max(2000, "at most 2,000 characters").optional(),
});
export type ApprovalDecision = z.infer<typeof approvalDecisionSchema>;

export type ApprovalOutcome = { actionId: string; status: "pending" | "approved" | "rejected"; approvals: number; quorum: number };

type Locked = { id: string; status: string; quorum: number | null; expires_at: Date | null; agent_id: string; cohort: string; action: string; resource: string; owner: string; agent_name: string };

const isOwner = (owner: string, email: string) => owner.trim().toLowerCase() === email.trim().toLowerCase();

/**
 * One approver's vote. The action row is locked, so concurrent votes are applied one after
 * the other: the vote that completes the quorum decides, a later one finds it decided (409).
 * A rejection by anyone rejects. An agent's owner can't be the only approver of its action.
 */
export async function decideApproval({ actionId, principal, input }: { actionId: string; principal: Principal; input: ApprovalDecision }): Promise<ApprovalOutcome> {
  let expired = false;
  const outcome = await prisma().$transaction(async (tx) => {
    const a = (
      await tx.$queryRawUnsafe<Locked[]>(
        `SELECT a.id, a.status, a.quorum, a.expires_at, a.agent_id, a.cohort, a.action, a.resource, g.owner, g.name AS agent_name
           FROM actions a JOIN agents g ON g.id = a.agent_id WHERE a.id = $1 FOR UPDATE OF a`,
        actionId,
      )
    )[0];
    if (!a) throw notFound("Action");
    if (a.status === "PENDING" && a.expires_at && a.expires_at.getTime() <= Date.now()) {
      expired = true;
      return null;
    }
    if (a.status !== "PENDING") throw conflict("action_decided", `This action is already ${a.status.toLowerCase()}`);
    const votes = await tx.$queryRawUnsafe<{ user_id: string; vote: string; email: string }[]>(
      `SELECT v.user_id, v.vote, u.email FROM approvals v JOIN users u ON u.id = v.user_id WHERE v.action_id = $1`,
      actionId,
    );
    if (votes.some((v) => v.user_id === principal.userId)) throw conflict("already_voted", "You have already decided on this action; each approver counts once");
    const quorum = a.quorum ?? 1;
    const approvals = votes.filter((v) => v.vote === "APPROVE");
    const owner = isOwner(a.owner, principal.email);
    if (input.decision === "approve" && owner && approvals.length + 1 >= quorum && !approvals.some((v) => !isOwner(a.owner, v.email))) {
      throw new WardenError(403, "owner_cannot_approve_alone", "You own this agent: someone else must approve its action too");
    }
    await tx.approval.create({
      data: { id: newId("apv"), actionId, userId: principal.userId, vote: input.decision === "approve" ? "APPROVE" : "REJECT", comment: input.comment ?? "" },
    });
    const actor = `user:${principal.userId}`;
    const count = approvals.length + (input.decision === "approve" ? 1 : 0);
    await auditTx(tx, {
      actor,
      kind: input.decision === "approve" ? "approval.granted" : "approval.refused",
      subject: `action:${actionId}`,
      agentId: a.agent_id,
      cohort: a.cohort,
      data: { action: a.action, comment: input.comment ?? null, approvals: count, quorum, byOwner: owner },
    });
    let status: ApprovalOutcome["status"] = "pending";
    if (input.decision === "reject" || count >= quorum) {
      status = input.decision === "reject" ? "rejected" : "approved";
      const reason = input.decision === "reject" ? `Rejected by ${principal.email}${input.comment ? `: ${input.comment}` : ""}` : `Approved by ${[...approvals.map((v) => v.email), principal.email].join(", ")}`;
      // clock_timestamp(): as close to the commit as SQL gets, for the latency benchmark.
      await tx.$executeRawUnsafe(
        `UPDATE actions SET status = $2::"ActionStatus", decision = $3::"Decision", decided_at = clock_timestamp(),
                reasons = reasons || jsonb_build_array(jsonb_build_object('code', 'policy', 'message', $4::text))
          WHERE id = $1`,
        actionId,
        status.toUpperCase(),
        status === "approved" ? "ALLOW" : "DENY",
        reason,
      );
      await auditTx(tx, { actor, kind: `action.${status}`, subject: `action:${actionId}`, agentId: a.agent_id, cohort: a.cohort, data: { action: a.action, status, approvals: count, quorum } });
      await enqueueWebhook(txRunner(tx), "approval.decided", { actionId, agent: a.agent_name, cohort: a.cohort, action: a.action, resource: a.resource, status, by: principal.email, comment: input.comment ?? null });
    }
    await tx.$executeRawUnsafe(notifySql, "warden_actions", actionId);
    return { actionId, status, approvals: count, quorum };
  });
  if (expired || !outcome) {
    await expireDueActions([actionId]);
    throw conflict("action_expired", "This action expired before a decision");
  }
  return outcome;
}
