import { isAgentOwner } from "../agents/index.ts";
import type { AuditInput } from "../audit/index.ts";

/**
 * The rules and records of a vote, shared by `decideApproval` and the history writer
 * (`npm run seed:volume`), so both record the same thing.
 */

/**
 * Segregation of duties: an owner's approval may not be the one that completes the quorum
 * unless someone who is not an owner has already approved.
 */
export function ownerWouldApproveAlone(owner: string, voterEmail: string, approverEmails: string[], quorum: number): boolean {
  return isAgentOwner(owner, voterEmail) && approverEmails.length + 1 >= quorum && !approverEmails.some((e) => !isAgentOwner(owner, e));
}

/**
 * Segregation of duties with the ownership history: `isOwner` says whether an e-mail owned the
 * agent at the action's request or since. An owner's approval may not be the one that
 * completes a stage's quorum (or the single stage's) unless a non-owner approved in it too.
 */
export function ownersWouldApproveAlone(isOwner: (email: string) => boolean, voterEmail: string, approverEmails: string[], quorum: number): boolean {
  return isOwner(voterEmail) && approverEmails.length + 1 >= quorum && !approverEmails.some((e) => !isOwner(e));
}

/** The reason text a settled vote appends to the action. */
export function voteOutcomeMessage(outcome: "approved" | "rejected", v: { byEmail: string; comment?: string | null; approverEmails: string[] }): string {
  return outcome === "rejected" ? `Rejected by ${v.byEmail}${v.comment ? `: ${v.comment}` : ""}` : `Approved by ${v.approverEmails.join(", ")}`;
}

/** What `approval.granted` / `approval.refused` records. */
export function voteEvent(v: {
  actionId: string;
  agentId: string;
  cohort: string;
  action: string;
  userId: string;
  vote: "approve" | "reject";
  comment: string | null;
  approvals: number;
  quorum: number;
  byOwner: boolean;
  at?: Date;
  /** Escalation paths: the stage voted in, an admin's override, approve-with-changes, a bulk decision. */
  extra?: Record<string, unknown>;
}): AuditInput {
  return {
    actor: `user:${v.userId}`,
    kind: v.vote === "approve" ? "approval.granted" : "approval.refused",
    subject: `action:${v.actionId}`,
    agentId: v.agentId,
    cohort: v.cohort,
    at: v.at,
    data: { action: v.action, comment: v.comment, approvals: v.approvals, quorum: v.quorum, byOwner: v.byOwner, ...v.extra },
  };
}
