import { escalatePending, routingOf, settlePending, stageView, type StageView } from "../actions/index.ts";
import { ownersSince } from "../agents/index.ts";
import { appendAuditEvents } from "../audit/index.ts";
import type { Principal } from "../auth/index.ts";
import type { SqlRunner } from "../db/index.ts";
import { conflict, WardenError } from "../errors/index.ts";
import { CHANNEL, notifySql } from "../events/index.ts";
import { newId } from "../ids.ts";
import { isTeamMember, memberEmailsOf } from "../teams/index.ts";
import type { LockedAction } from "./locked-action.ts";
import { applyModifiedInput } from "./modify-input.ts";
import { ownersWouldApproveAlone, voteEvent, voteOutcomeMessage } from "./votes.ts";

export type Vote = { decision: "approve" | "reject"; comment?: string; input?: Record<string, unknown> };

export type ApprovalOutcome = {
  actionId: string;
  status: "pending" | "approved" | "rejected";
  /** Approvals in the current stage (the single stage's) and its quorum. */
  approvals: number;
  quorum: number;
  /** Still pending: the stage waiting now (the next one when this vote completed a stage). */
  stage: StageView | null;
  /** The vote was an admin's, outside the stage's team. */
  override: boolean;
  /** Approved (or proposed, while pending) with changes: the input to act on. */
  approvedInput: Record<string, unknown> | null;
};

type VoteRow = { user_id: string; vote: string; email: string; stage: number | null };

/**
 * Everyone who counts as the agent's owner for this action: the owners from its request on
 * (ownership history), and the members of a Warden team named as owner. Lower-case e-mails.
 */
async function ownersOf(run: SqlRunner, a: LockedAction): Promise<Set<string>> {
  const owners = await ownersSince(run, a.agent_id, a.created_at);
  const members = await memberEmailsOf(run, owners);
  return new Set([...owners.map((o) => o.trim().toLowerCase()), ...members]);
}

/**
 * One approver's vote on a locked pending action, in the caller's transaction (a single vote
 * or a bulk decision). Rules, in order:
 * - each person votes once per action, whatever the stage (409 already_voted);
 * - a staged action's current stage belongs to its team: others are refused (403
 *   not_in_stage), except admins, whose vote is recorded as an override;
 * - segregation of duties: someone who owned the agent at the request or since can't be the
 *   approval that completes a stage (or the single stage) alone (403 owner_cannot_approve_alone);
 * - approve with changes (`input`): only before anyone approved in the current stage (409
 *   changes_after_votes), then modify-input.ts's checks;
 * - any rejection rejects; a stage's quorum opens the next stage (`escalatePending`) or, after
 *   the last, approves (`settlePending`).
 * Every vote is audited (`approval.granted` / `approval.refused`, with the stage, override and
 * the changes' before/after).
 */
export async function castVote(run: SqlRunner, a: LockedAction, principal: Principal, vote: Vote, opts: { bulk?: { count: number } } = {}): Promise<ApprovalOutcome> {
  const votes = await run<VoteRow>(`SELECT v.user_id, v.vote, u.email, v.stage FROM approvals v JOIN users u ON u.id = v.user_id WHERE v.action_id = $1`, [a.id]);
  if (votes.some((v) => v.user_id === principal.userId)) throw conflict("already_voted", "You have already decided on this action; each approver counts once");
  const routing = routingOf(a.approval);
  const stages = routing?.stages ?? null;
  const staged = stages !== null && a.stage_index !== null;
  const stage = staged ? stages[a.stage_index!]! : null;
  const view = stageView({ status: "PENDING", approval: a.approval, stage_index: a.stage_index, stage_expires_at: a.stage_expires_at, expires_at: a.expires_at });
  let override = false;
  if (stage?.teamId && !(await isTeamMember(run, stage.teamId, principal.userId))) {
    if (principal.role !== "admin") {
      throw new WardenError("not_in_stage", `This action waits for ${stage.team ?? "another team"} (stage ${a.stage_index! + 1} of ${stages!.length}); you are not in that team`, { stage: view });
    }
    override = true;
  }
  const quorum = a.quorum ?? 1;
  const inStage = staged ? votes.filter((v) => v.stage === a.stage_index) : votes;
  const approvals = inStage.filter((v) => v.vote === "APPROVE");
  const owners = await ownersOf(run, a);
  const isOwner = (email: string) => owners.has(email.trim().toLowerCase());
  if (vote.decision === "approve" && ownersWouldApproveAlone(isOwner, principal.email, approvals.map((v) => v.email), quorum)) {
    throw new WardenError("owner_cannot_approve_alone", `You owned this agent when this action was requested or since: someone else must approve ${staged ? "this stage" : "its action"} too`);
  }
  let modified = null;
  if (vote.decision === "approve" && vote.input) {
    if (approvals.length > 0) throw conflict("changes_after_votes", `Someone in this stage already approved the request as it stands (${approvals.map((v) => v.email).join(", ")}): approve it as it is, or reject it`);
    modified = await applyModifiedInput(run, a, vote.input);
  }
  await run(`INSERT INTO approvals (id, action_id, user_id, vote, comment, stage, override, created_at) VALUES ($1, $2, $3, $4::"ApprovalVote", $5, $6, $7, now())`, [
    newId("apv"),
    a.id,
    principal.userId,
    vote.decision === "approve" ? "APPROVE" : "REJECT",
    vote.comment ?? "",
    staged ? a.stage_index : null,
    override,
  ]);
  const actor = `user:${principal.userId}`;
  const count = approvals.length + (vote.decision === "approve" ? 1 : 0);
  await appendAuditEvents(run, [
    voteEvent({
      actionId: a.id,
      agentId: a.agent_id,
      cohort: a.cohort,
      action: a.action,
      userId: principal.userId,
      vote: vote.decision,
      comment: vote.comment ?? null,
      approvals: count,
      quorum,
      byOwner: isOwner(principal.email),
      extra: {
        ...(staged ? { stage: view } : {}),
        ...(override ? { override: true } : {}),
        ...(modified
          ? {
              modifiedInput: {
                changes: modified.changes,
                before: Object.fromEntries(modified.changes.map((c) => [c.path, c.from ?? null])),
                after: Object.fromEntries(modified.changes.map((c) => [c.path, c.to ?? null])),
                approvedInputHash: modified.hash,
                ...(modified.budgets.length ? { budgets: modified.budgets } : {}),
              },
            }
          : {}),
        ...(opts.bulk ? { bulk: opts.bulk } : {}),
      },
    }),
  ]);
  const approvedInput = modified?.after ?? a.approved_input;
  const by = principal.email;
  if (vote.decision === "approve" && count < quorum) {
    // Not settled yet: queues and dashboards on every instance refresh.
    await run(notifySql, [CHANNEL.actions, a.id]);
    return { actionId: a.id, status: "pending", approvals: count, quorum, stage: view, override, approvedInput };
  }
  if (vote.decision === "approve" && staged && a.stage_index! < stages.length - 1) {
    const [moved] = await escalatePending(run, [a.id], { cause: "vote", actor, by });
    return { actionId: a.id, status: "pending", approvals: count, quorum, stage: moved?.to ?? view, override, approvedInput };
  }
  const status = vote.decision === "reject" ? ("rejected" as const) : ("approved" as const);
  const approverEmails = [...votes.filter((v) => v.vote === "APPROVE").map((v) => v.email), ...(vote.decision === "approve" ? [by] : [])];
  const settled = await settlePending(run, {
    target: { ids: [a.id] },
    outcome: status,
    cause: "vote",
    reason: { code: "policy", message: voteOutcomeMessage(status, { byEmail: by, comment: vote.comment, approverEmails }) },
    actor,
    by,
    comment: vote.comment ?? null,
    approvals: count,
  });
  // The approval's time ran out while this vote was being written (settlePending refuses a late
  // settlement: the agent may already have been told "expired"). Nothing of the vote may stand:
  // throwing rolls its transaction back; the expiry job records the timeout.
  if (settled.length === 0) throw conflict("action_expired", "This action expired before a decision");
  return { actionId: a.id, status, approvals: count, quorum, stage: null, override, approvedInput: status === "approved" ? approvedInput : null };
}
