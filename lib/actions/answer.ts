import type { Receipt } from "../receipts/index.ts";
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
  /** The signed decision receipt (lib/receipts; docs/API.md "Receipts"); absent when receipts are off or for actions recorded before them. */
  receipt?: Receipt;
};

/** The columns an answer is read from. */
export type ActionRow = {
  id: string;
  status: string;
  reasons: unknown;
  shadow: unknown;
  expires_at: Date | null;
};

/**
 * The answer for a stored action, as of `now`. A pending action whose approval timed out is
 * answered `expired` (with the timeout's reason) even before the expiry job has written it:
 * reads never write, and the job writes exactly this outcome.
 */
export function answerOf(r: ActionRow, now: number = Date.now()): ActionAnswer {
  let status = fromDbStatus(r.status);
  let reasons = r.reasons as Reason[];
  if (status === "pending" && r.expires_at && r.expires_at.getTime() <= now) {
    status = "expired";
    reasons = [...reasons, EXPIRED_REASON];
  }
  const a: ActionAnswer = { id: r.id, decision: decisionOf(status), status, reasons, shadow: r.shadow as Reason[] };
  if (status === "pending" && r.expires_at) a.expiresAt = r.expires_at.toISOString();
  return a;
}
