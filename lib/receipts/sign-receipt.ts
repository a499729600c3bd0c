import { signCanonical } from "../signing/index.ts";
import { canonicalPayload, type ReceiptPayload } from "./payload.ts";

/** A signed decision receipt, as answers carry it (`receipt`). */
export type Receipt = {
  /** The signing key's id (RFC 7638 thumbprint), listed by `GET /api/keys/receipts`. */
  kid: string;
  alg: "Ed25519";
  payload: ReceiptPayload;
  /** Ed25519 (RFC 8032) over the RFC 8785 canonical JSON of `payload`, base64url (86 characters). */
  signature: string;
};

/**
 * Signs a receipt payload with the current receipts key (never in the database; lib/signing).
 * Deterministic: the same payload under the same key gives the same receipt. Throws Error when
 * no receipts key exists (an instance generates one at start, lib/jobs).
 */
export function signReceipt(payload: ReceiptPayload): Receipt {
  const { kid, signature } = signCanonical("receipts", canonicalPayload(payload));
  return { kid, alg: "Ed25519", payload, signature };
}

/** False when `WARDEN_RECEIPTS=off`: answers then carry no receipt (bench:decisions measures the difference). */
export function receiptsEnabled(): boolean {
  return process.env.WARDEN_RECEIPTS !== "off";
}
