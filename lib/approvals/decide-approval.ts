import { z } from "zod";
import { expireDueActions, settlePending } from "../actions/index.ts";
import { auditTx } from "../audit/index.ts";
import type { Principal } from "../auth/index.ts";
import { prisma, txRunner } from "../db/index.ts";
import { conflict, notFound, WardenError } from "../errors/index.ts";
import { CHANNEL, notifySql } from "../events/index.ts";
import { newId } from "../ids.ts";
import { isAgentOwner, ownerWouldApproveAlone, voteEvent, voteOutcomeMessage } from "./votes.ts";

export const approvalDecisionSchema = z.strictObject({
  decision: z.enum(["approve", "reject"]),
  comment: z.string().trim().max(2000, "at most 2,000 characters").optional(),
});
export type ApprovalDecision = z.infer<typeof approvalDecisionSchema>;

export type ApprovalOutcome = { actionId: string; status: "pending" | "approved" | "rejected"; approvals: number; quorum: number };

type Locked = { id: string; status: string; quorum: number | null; overdue: boolean; agent_id: string; cohort: string; action: string; owner: string };

/** Thrown inside the vote's transaction to roll it back when the time ran out meanwhile. */
class TimedOut extends Error {}

/**
 * One approver's vote. The action row is locked, so concurrent votes are applied one after
 * the other: the vote that completes the quorum settles the action (through the lifecycle's
 * `settlePending`), a later one finds it decided. A rejection by anyone rejects. An agent's
 * owner can't be the only approver of its action. A vote on an overdue action (by the
 * database's clock, as at every transition) expires it (the timeout transition, called
 * explicitly) and is refused; so is one whose settlement came too late (rolled back whole).
 *
 * Throws not_found, action_decided / already_voted / action_expired (conflicts) and
 * owner_cannot_approve_alone (forbidden).
 */
export async function decideApproval({ actionId, principal, input }: { actionId: string; principal: Principal; input: ApprovalDecision }): Promise<ApprovalOutcome> {
  let expired = false;
  const outcome = await prisma().$transaction(async (tx) => {
    const a = (
      await tx.$queryRawUnsafe<Locked[]>(
        `SELECT a.id, a.status, a.quorum, (a.expires_at IS NOT NULL AND a.expires_at <= clock_timestamp()) AS overdue, a.agent_id, a.cohort, a.action, g.owner
           FROM actions a JOIN agents g ON g.id = a.agent_id WHERE a.id = $1 FOR UPDATE OF a`,
        actionId,
      )
    )[0];
    if (!a) throw notFound("Action");
    // The database's clock, like every transition: an agent may already have been told "expired".
    if (a.status === "PENDING" && a.overdue) {
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
    const owner = isAgentOwner(a.owner, principal.email);
    if (input.decision === "approve" && ownerWouldApproveAlone(a.owner, principal.email, approvals.map((v) => v.email), quorum)) {
      throw new WardenError("owner_cannot_approve_alone", "You own this agent: someone else must approve its action too");
    }
    await tx.approval.create({
      data: { id: newId("apv"), actionId, userId: principal.userId, vote: input.decision === "approve" ? "APPROVE" : "REJECT", comment: input.comment ?? "" },
    });
    const actor = `user:${principal.userId}`;
    const count = approvals.length + (input.decision === "approve" ? 1 : 0);
    await auditTx(
      tx,
      voteEvent({ actionId, agentId: a.agent_id, cohort: a.cohort, action: a.action, userId: principal.userId, vote: input.decision, comment: input.comment ?? null, approvals: count, quorum, byOwner: owner }),
    );
    if (input.decision === "approve" && count < quorum) {
      // Not settled yet: queues and dashboards on every instance refresh.
      await tx.$executeRawUnsafe(notifySql, CHANNEL.actions, actionId);
      return { actionId, status: "pending" as const, approvals: count, quorum };
    }
    const status = input.decision === "reject" ? ("rejected" as const) : ("approved" as const);
    const message = voteOutcomeMessage(status, { byEmail: principal.email, comment: input.comment, approverEmails: [...approvals.map((v) => v.email), principal.email] });
    const settled = await settlePending(txRunner(tx), {
      target: { ids: [actionId] },
      outcome: status,
      cause: "vote",
      reason: { code: "policy", message },
      actor,
      by: principal.email,
      comment: input.comment ?? null,
      approvals: count,
    });
    // The time ran out while this vote was being written: nothing of it may stand.
    if (settled.length === 0) throw new TimedOut();
    return { actionId, status, approvals: count, quorum };
  }, { maxWait: 5_000, timeout: 15_000 }).catch((err: unknown) => {
    if (err instanceof TimedOut) return null;
    throw err;
  });
  if (expired || !outcome) {
    await expireDueActions([actionId]);
    throw conflict("action_expired", "This action expired before a decision");
  }
  return outcome;
}
