import { inputChanges, type InputChange } from "./input-changes.ts";
import type { Receipt } from "../receipts/index.ts";
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
  /** The signed decision receipt (lib/receipts; docs/API.md "Receipts"); absent when receipts are off or for actions recorded before them. */
  receipt?: Receipt;
};

/** The columns an answer is read from (`ANSWER_COLUMNS`); the stage and approval ones may be absent. */
export type ActionRow = {
  id: string;
  status: string;
  reasons: unknown;
  shadow: unknown;
  expires_at: Date | null;
  /**
   * Whether a single-stage pending action's approval had timed out, by the database's clock,
   * when the row was read under a share lock (`OVERDUE_SQL`, as readAction reads it). Absent:
   * not known, answered as stored.
   */
  overdue?: boolean;
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
 * SQL (a select-list item) that says whether a single-stage pending action's approval has
 * timed out, by the database's clock — the one clock every transition out of `pending` uses.
 * A staged action is never "overdue" here: its stages' timeouts belong to the stage job.
 */
export const OVERDUE_SQL = `(stage_index IS NULL AND expires_at IS NOT NULL AND expires_at <= clock_timestamp()) AS overdue`;

/**
 * SQL that is true for an action still waiting for people: pending and, when single-stage,
 * within its time (an overdue one is answered expired and can only expire). For queues and
 * counts; `a` is the actions alias in the query ("" for none).
 */
export function awaitingDecisionSql(a = ""): string {
  const p = a ? `${a}.` : "";
  return `(${p}status = 'PENDING' AND (${p}stage_index IS NOT NULL OR ${p}expires_at IS NULL OR ${p}expires_at > clock_timestamp()))`;
}

/**
 * The answer for a stored action. A single-stage pending action read as `overdue` (its
 * timeout passed, by the database's clock, with no settlement in flight: see readAction) is
 * answered `expired` with the timeout's reason even before the expiry job has written it —
 * reads never write, the job writes exactly this outcome, and no other settlement can happen
 * any more (settlePending refuses every outcome but `expired` once the timeout has passed). A
 * staged action reads as pending at its current stage until the stage job (≤ 1 s after the
 * deadline) has moved it: what its timeout does (climb, approve, reject) is the job's to record.
 */
export function answerOf(r: ActionRow): ActionAnswer {
  let status = fromDbStatus(r.status);
  let reasons = r.reasons as Reason[];
  const staged = r.stage_index !== null && r.stage_index !== undefined;
  if (status === "pending" && !staged && r.overdue === true) {
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
