import type { ActionStatus, Decision } from "../actions/index.ts";
import { deriveReceipt } from "./derive-receipt.ts";
import { receiptsEnabled, type Receipt } from "./sign-receipt.ts";
import { openStoredReceipt } from "./stored-receipt.ts";

/**
 * The receipt an answer carries, from the one stored on its action row (`actions.receipt`, JSON
 * text; null when none was stored):
 *
 * - the stored receipt when it states the answer's action and status (the usual case: every
 *   transition stores the receipt of its new status);
 * - a pending action answered `expired` before the expiry job has written it (reads never
 *   write): the stored pending receipt moved to expired, dated at the deadline — the same
 *   payload the job stores, hence, under the same key, the same receipt;
 * - nothing (undefined) for an action recorded before receipts existed or while they were off,
 *   or when the stored one doesn't fit the answer or can't be opened — logged, and answered
 *   without a receipt: whoever requires one refuses the action (fail closed).
 */
export function receiptForAnswer(stored: string | null, answer: { id: string; status: ActionStatus; decision: Decision }, expiresAt: Date | null): Receipt | undefined {
  if (stored === null) return undefined;
  try {
    const receipt = openStoredReceipt(stored, answer.id);
    const p = receipt.payload;
    if (p.actionId !== answer.id) throw new Error(`it states action ${p.actionId}`);
    if (p.status === answer.status && p.decision === answer.decision) return receipt;
    if (answer.status === "expired" && p.status === "pending" && expiresAt) {
      if (!receiptsEnabled()) return undefined;
      return deriveReceipt(receipt, { status: "expired", decision: "deny", approvers: [], time: expiresAt.toISOString() });
    }
    throw new Error(`it states ${p.status}, the action is ${answer.status}`);
  } catch (err) {
    console.error(`[receipts] ${answer.id} answered without a receipt: ${(err as Error).message}`);
    return undefined;
  }
}
