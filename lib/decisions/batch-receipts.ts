import { decisionOf, type ActionAnswer, type InitialStatus } from "../actions/index.ts";
import { receiptForAnswer, receiptWithStatus, storedReceipt, type Receipt } from "../receipts/index.ts";

/**
 * The group commit's part in decision receipts (lib/receipts), kept here so commit-batch.ts
 * only calls it: the receipt of the status a draft is finally recorded with, and its stored
 * form for `actions.receipt`.
 */

/**
 * A draft's receipt is signed for the status its policies decided; when the halt re-check
 * inside the transaction denies it, it is re-signed as denied (the only signature made while
 * a transaction is open, and only during a halt).
 */
export function finalReceipt(receipt: Receipt | null, status: InitialStatus): Receipt | null {
  return receipt && receiptWithStatus(receipt, status, decisionOf(status));
}

/**
 * The `actions.receipt` value (JSON text), sealed when PII redaction changed anything in the
 * request (stored-receipt.ts explains why); null when receipts are off.
 */
export function receiptColumn(receipt: Receipt | null, actionId: string, redacted: boolean): string | null {
  return receipt && JSON.stringify(storedReceipt(receipt, actionId, redacted));
}

/** `answer` with `receipt` when there is one. */
export function withReceipt(answer: ActionAnswer, receipt: Receipt | null | undefined): ActionAnswer {
  if (receipt) answer.receipt = receipt;
  return answer;
}

/** A stored action's answer (a retry, a read) with the receipt stored for its status (the one issued). */
export function withStoredReceipt(answer: ActionAnswer, stored: string | null, expiresAt: Date | null): ActionAnswer {
  return withReceipt(answer, receiptForAnswer(stored, answer, expiresAt));
}
