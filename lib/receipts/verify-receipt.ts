import { createPublicKey, verify, type KeyObject } from "node:crypto";
import canonicalize from "canonicalize";
import type { ContractKey } from "../signing/index.ts";
import { RECEIPT_TYPE, type ReceiptPayload } from "./payload.ts";

/** Why a receipt does not verify. */
export type ReceiptFailure =
  | "malformed" // not shaped like a receipt: {kid, alg, payload {type: warden.decision.receipt, v: 1, …}, signature}
  | "unsupported_alg" // alg is not Ed25519
  | "unknown_key" // kid is not among the given keys
  | "bad_signature" // the signature does not match the payload under that key (tampered, or another key's)
  | "key_retired"; // the payload's time is after the key's validUntil: a retired key can't sign anything new

export type ReceiptCheck =
  | { ok: true; kid: string; payload: ReceiptPayload; keyStatus: "current" | "retired" }
  | { ok: false; reason: ReceiptFailure; kid: string | null; message: string };

/** Keys as `GET /api/keys/receipts` answers them: the document, or its `keys` list. */
export type ReceiptKeys = { keys: readonly Partial<ContractKey>[] } | readonly Partial<ContractKey>[];

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const B64URL_SIG = /^[A-Za-z0-9_-]{86}$/;

/**
 * Verifies a receipt offline with the public keys of `GET /api/keys/receipts` (fetched once
 * and kept, or pinned in configuration): the key named by `kid`, Ed25519 (RFC 8032) over the
 * RFC 8785 canonical JSON of `payload`, and the key's validity — a receipt dated after its
 * key's `validUntil` fails. It does not decide whether the receipt fits a request (action,
 * resource, inputHash, freshness): that is the caller's to check on `payload`. Never throws.
 */
export function verifyReceipt(receipt: unknown, keys: ReceiptKeys): ReceiptCheck {
  if (!isObject(receipt)) return fail("malformed", null, "not a receipt (expected an object {kid, alg, payload, signature})");
  const kid = typeof receipt.kid === "string" ? receipt.kid : null;
  if (!kid) return fail("malformed", null, "the receipt has no kid");
  if (receipt.alg !== "Ed25519") return fail("unsupported_alg", kid, `alg is ${JSON.stringify(receipt.alg)}; Warden receipts are Ed25519`);
  const payload = receipt.payload;
  if (!isObject(payload) || payload.type !== RECEIPT_TYPE || payload.v !== 1) return fail("malformed", kid, `the payload is not a ${RECEIPT_TYPE} v1`);
  if (typeof receipt.signature !== "string" || !B64URL_SIG.test(receipt.signature)) return fail("malformed", kid, "the signature is not 64 bytes of base64url");
  const list = Array.isArray(keys) ? keys : (keys as { keys: readonly Partial<ContractKey>[] }).keys;
  const entry = Array.isArray(list) ? list.find((k) => isObject(k) && k.kid === kid) : undefined;
  if (!entry) return fail("unknown_key", kid, `signed by key ${kid}, which is not among the ${Array.isArray(list) ? list.length : 0} given receipt keys`);
  let key: KeyObject;
  try {
    if (entry.alg !== undefined && entry.alg !== "Ed25519") throw new Error("not Ed25519");
    key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: String(entry.publicKey) }, format: "jwk" });
  } catch {
    return fail("unknown_key", kid, `the published key ${kid} is not an Ed25519 public key`);
  }
  const text = canonicalize(payload);
  let good = false;
  try {
    good = text !== undefined && verify(null, Buffer.from(text, "utf8"), key, Buffer.from(receipt.signature, "base64url"));
  } catch {
    good = false;
  }
  if (!good) return fail("bad_signature", kid, `the signature does not match the payload under key ${kid}: the receipt was altered or signed by another key`);
  const time = typeof payload.time === "string" ? Date.parse(payload.time) : NaN;
  const until = typeof entry.validUntil === "string" ? Date.parse(entry.validUntil) : NaN;
  if (!Number.isNaN(until) && !(time <= until)) return fail("key_retired", kid, `key ${kid} was retired at ${entry.validUntil}, but the receipt is dated ${String(payload.time)}`);
  return { ok: true, kid, payload: payload as ReceiptPayload, keyStatus: entry.status === "retired" || entry.validUntil ? "retired" : "current" };
}

function fail(reason: ReceiptFailure, kid: string | null, message: string): ReceiptCheck {
  return { ok: false, reason, kid, message };
}
