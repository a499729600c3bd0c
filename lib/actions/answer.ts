import { inputChanges, type InputChange } from "./input-changes.ts";
import { EXPIRED_REASON, type Reason } from "./reasons.ts";
import { stageView, type StageView } from "./stages.ts";
import { decisionOf, fromDbStatus, type ActionStatus, type Decision } from "./status.ts";

/** The answer of `POST /v1/actions` and `GET /v1/actions/{id}` (API.md, docs/API.md). */
export type ActionAnswer = {
  id: string;
  decision: Decision;
  status: ActionStatus;
  reasons: Reason[];
  shadow: Reason[];
  expiresAt?: string;
  /** Pending: the stage waiting for people ({index, of, team, expiresAt}). */
  stage?: StageView;
  /** Approved with changes: the input the agent must act on (as stored: redacted values stay markers). */
  approvedInput?: Record<string, unknown>;
  /** ... and what the approvers changed, path by path (the SDK applies these to the raw input it sent). */
  approvedChanges?: InputChange[];
};

/** The columns an answer is read from (`ANSWER_COLUMNS`); the stage and approval ones may be absent. */
export type ActionRow = {
  id: string;
  status: string;
  reasons: unknown;
  shadow: unknown;
  expires_at: Date | null;
  approval?: unknown;
  stage_index?: number | null;
  stage_expires_at?: Date | null;
  approved_input?: unknown;
  /** The stored input, read only when there is an approved input to compare it with. */
  original_input?: unknown;
};

/** The `SELECT` list of an `ActionRow` from `actions` (unqualified column names). */
export const ANSWER_COLUMNS =
  "id, status, reasons, shadow, expires_at, approval, stage_index, stage_expires_at, approved_input, CASE WHEN approved_input IS NOT NULL THEN input END AS original_input";

/**
 * The answer for a stored action, as of `now`. A pending single-stage action whose approval
 * timed out is answered `expired` (with the timeout's reason) even before the expiry job has
 * written it: reads never write, and the job writes exactly this outcome. A staged action
 * reads as pending at its current stage until the stage job (≤ 1 s after the deadline) has
 * moved it: what its timeout does (climb, approve, reject) is the job's to record.
 */
export function answerOf(r: ActionRow, now: number = Date.now()): ActionAnswer {
  let status = fromDbStatus(r.status);
  let reasons = r.reasons as Reason[];
  const staged = r.stage_index !== null && r.stage_index !== undefined;
  if (status === "pending" && !staged && r.expires_at && r.expires_at.getTime() <= now) {
    status = "expired";
    reasons = [...reasons, EXPIRED_REASON];
  }
  const a: ActionAnswer = { id: r.id, decision: decisionOf(status), status, reasons, shadow: r.shadow as Reason[] };
  if (status === "pending") {
    if (r.expires_at) a.expiresAt = r.expires_at.toISOString();
    const stage = stageView(r);
    if (stage) a.stage = stage;
  }
  if (status === "approved" && r.approved_input && typeof r.approved_input === "object") {
    a.approvedInput = r.approved_input as Record<string, unknown>;
    a.approvedChanges = inputChanges(r.original_input ?? {}, r.approved_input);
  }
  return a;
}
