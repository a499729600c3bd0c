import { z } from "zod";
import type { SettleCause } from "../webhooks/index.ts";
import type { ActionStatus } from "./status.ts";

/**
 * Every way an approval can end, with the one label people read for it. The API answers
 * (`outcome` on approvals and actions), Approvals → History, the approval page and the action
 * page all show these words; nothing else names an ending.
 */
export const APPROVAL_OUTCOMES = {
  approved: "Approved",
  approved_with_changes: "Approved with changes",
  rejected: "Rejected by an approver",
  expired: "Expired: no decision in time",
  rejected_by_halt: "Rejected by a halt",
  rejected_by_breaker: "Rejected by a circuit breaker",
  rejected_by_grants: "Rejected: the agent's grants changed",
  approved_on_stage_timeout: "Approved when its stage timed out",
  rejected_on_stage_timeout: "Rejected when its stage timed out",
  /** Settled by a cause this version doesn't know (never guessed: "rejected by an approver" could be false). */
  unrecorded: "Settled; what ended it was not recorded",
} as const;
export type ApprovalOutcomeCode = keyof typeof APPROVAL_OUTCOMES;

/**
 * How a settled approval ended: `code` (one of APPROVAL_OUTCOMES), its `label`, and `endedBy`,
 * the cause settlePending recorded (lib/webhooks SettleCause; null for rows settled before the
 * cause was stored and not recognised by the migration: code `unrecorded`, except an expiry,
 * which only a timeout causes).
 */
export type ApprovalOutcome = { code: ApprovalOutcomeCode; label: string; endedBy: SettleCause | null };

type Ended = Extract<ActionStatus, "approved" | "rejected" | "expired">;

/**
 * The ending per cause and status. A `Record` over SettleCause: a new cause (a rollback, an
 * escalation…) doesn't compile until it has its ending here. A status a cause never produces
 * (a halt only rejects) falls back to the plain ending of that status.
 */
const BY_CAUSE: Record<SettleCause, (status: Ended, changed: boolean) => ApprovalOutcomeCode> = {
  vote: (s, changed) => (s === "approved" ? (changed ? "approved_with_changes" : "approved") : plain(s)),
  timeout: (s) => plain(s),
  stage_timeout: (s) => (s === "approved" ? "approved_on_stage_timeout" : s === "rejected" ? "rejected_on_stage_timeout" : "expired"),
  halt: (s) => (s === "rejected" ? "rejected_by_halt" : plain(s)),
  breaker: (s) => (s === "rejected" ? "rejected_by_breaker" : plain(s)),
  grants: (s) => (s === "rejected" ? "rejected_by_grants" : plain(s)),
};

const plain = (s: Ended): ApprovalOutcomeCode => s;

const isCause = (c: string | null): c is SettleCause => c !== null && Object.hasOwn(BY_CAUSE, c);

/**
 * The outcome of an action that waited for people: null while pending and for actions that
 * never did (allowed/denied at once). `cause` is the stored `settle_cause` (unknown values read
 * as the plain ending of the status); `changed` says approvers changed the input (approved with
 * changes). An unknown or missing cause reads `unrecorded` (an expiry: `expired`). Pure.
 */
export function outcomeOf(a: { status: ActionStatus; cause: string | null; changed: boolean }): ApprovalOutcome | null {
  const s = a.status;
  if (s !== "approved" && s !== "rejected" && s !== "expired") return null;
  const cause = isCause(a.cause) ? a.cause : null;
  const code = cause ? BY_CAUSE[cause](s, a.changed) : s === "expired" ? "expired" : "unrecorded";
  return { code, label: APPROVAL_OUTCOMES[code], endedBy: cause };
}

/** The API shape of an outcome (OpenAPI). */
export const approvalOutcomeSchema = z.object({
  code: z.enum(Object.keys(APPROVAL_OUTCOMES) as [ApprovalOutcomeCode, ...ApprovalOutcomeCode[]]),
  label: z.string(),
  endedBy: z.string().nullable(),
});
