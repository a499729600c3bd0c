/**
 * Signed decision receipts (docs/API.md "Receipts"): every answer of `POST /v1/actions` and
 * `GET /v1/actions/{id}` carries `receipt` = `{kid, alg: "Ed25519", payload, signature}`, the
 * signature over the RFC 8785 canonical JSON of `payload` (action id, agent id, action,
 * resource, input hash, decision, status, policy and knowledge versions, approvers, time), made
 * with the `receipts` key of lib/signing (never in the database; published by
 * `GET /api/keys/receipts`). Agents and business systems verify it offline.
 *
 * - payload.ts — the payload's shape and `inputHash(input)`;
 * - issue-receipt.ts — `issueReceipt` for a new decision (signed before the group commit),
 *   `receiptWithStatus` when the commit's halt re-check denies it;
 * - stored-receipt.ts — the copy kept on the action row (sealed when PII was redacted);
 * - answer-receipt.ts — `receiptForAnswer`: the receipt an answer carries (replays, GET);
 * - reissue-receipts.ts — `reissueReceipts`: the receipt of each settlement (lib/actions).
 *
 * Verifying with published keys, offline, is the SDKs' (`sdk/src/receipts.ts`, the Python
 * `warden.receipts`) and `npm run receipt:verify`'s; Warden itself checks a stored receipt with
 * its own key ring before deriving another from it (derive-receipt.ts).
 */
export { inputHash, canonicalPayload, RECEIPT_TYPE, type ReceiptPayload, type ReceiptApprover } from "./payload.ts";
export { signReceipt, receiptsEnabled, type Receipt } from "./sign-receipt.ts";
export { issueReceipt, receiptWithStatus, type DecisionFacts } from "./issue-receipt.ts";
export { deriveReceipt, assertIssuedByWarden, type ReceiptChange } from "./derive-receipt.ts";
export { storedReceipt, openStoredReceipt, isSealed, type StoredReceipt } from "./stored-receipt.ts";
export { receiptForAnswer } from "./answer-receipt.ts";
export { reissueReceipts, type SettledForReceipt } from "./reissue-receipts.ts";
