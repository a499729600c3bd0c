import { EXPIRED_REASON, type Reason } from "./reasons.ts";
import { decisionOf, fromDbStatus, type ActionStatus, type Decision } from "./status.ts";

/** The answer of `POST /v1/actions` and `GET /v1/actions/{id}` (API.md). */
export type ActionAnswer = {
  id: string;
  decision: Decision;
  status: ActionStatus;
  reasons: Reason[];
  shadow: Reason[];
  expiresAt?: string;
};

/** The columns an answer is read from. */
export type ActionRow = {
  id: string;
  status: string;
  reasons: unknown;
  shadow: unknown;
  expires_at: Date | null;
  /**
   * Whether the approval had timed out, by the database's clock, when the row was read under
   * a share lock (`OVERDUE_SQL`, as readAction reads it). Absent: not known, answered as stored.
   */
  overdue?: boolean;
};

/**
 * SQL (a select-list item) that says whether a pending action's approval has timed out, by
 * the database's clock — the one clock every transition out of `pending` uses.
 */
export const OVERDUE_SQL = `(expires_at IS NOT NULL AND expires_at <= clock_timestamp()) AS overdue`;

/**
 * SQL that is true for an action still waiting for people: pending and within its time (an
 * overdue one is answered expired and can only expire). For queues and counts; `a` is the
 * actions alias in the query ("" for none).
 */
export function awaitingDecisionSql(a = ""): string {
  const p = a ? `${a}.` : "";
  return `(${p}status = 'PENDING' AND (${p}expires_at IS NULL OR ${p}expires_at > clock_timestamp()))`;
}

/**
 * The answer for a stored action. A pending action read as `overdue` (its timeout passed, by
 * the database's clock, with no settlement in flight: see readAction) is answered `expired`
 * with the timeout's reason even before the expiry job has written it — reads never write,
 * the job writes exactly this outcome, and no other settlement can happen any more
 * (settlePending refuses every outcome but `expired` once the timeout has passed).
 */
export function answerOf(r: ActionRow): ActionAnswer {
  let status = fromDbStatus(r.status);
  let reasons = r.reasons as Reason[];
  if (status === "pending" && r.overdue === true) {
    status = "expired";
    reasons = [...reasons, EXPIRED_REASON];
  }
  const a: ActionAnswer = { id: r.id, decision: decisionOf(status), status, reasons, shadow: r.shadow as Reason[] };
  if (status === "pending" && r.expires_at) a.expiresAt = r.expires_at.toISOString();
  return a;
}
