import { verifyPayload } from "../signing/index.ts";
import type { ReceiptPayload } from "./payload.ts";
import { signReceipt, type Receipt } from "./sign-receipt.ts";

/** What changes when an action moves on: its status and what follows from it. */
export type ReceiptChange = Pick<ReceiptPayload, "decision" | "status" | "approvers" | "time">;

/**
 * Throws Error unless `receipt` verifies under Warden's own published receipts keys (current
 * or retired). Run on a stored receipt before anything is derived from it, so an altered one
 * is never signed again: a database writer can't turn Warden into a signing oracle.
 */
export function assertIssuedByWarden(receipt: Receipt): void {
  const check = verifyPayload("receipts", receipt.payload, receipt.kid, receipt.signature);
  if (!check.ok) throw new Error(`the stored receipt does not verify (${check.reason}): ${check.message}`);
}

/**
 * The receipt for an action's new status, from the receipt it had: the same statement about
 * the request (action, resource, input hash, policy and knowledge versions) with `change`
 * applied, signed with the current key. Throws Error when `previous` doesn't verify
 * (`assertIssuedByWarden`) or no key signs.
 */
export function deriveReceipt(previous: Receipt, change: ReceiptChange): Receipt {
  assertIssuedByWarden(previous);
  return signReceipt({ ...previous.payload, ...change });
}
