import { sign, verify } from "node:crypto";
import canonicalize from "canonicalize";
import { keyRing } from "./key-ring.ts";
import type { SigningPurpose } from "./purposes.ts";
import type { SignatureCheck } from "./sign-document.ts";

function canonicalBytes(payload: unknown): Buffer {
  const text = canonicalize(payload);
  if (text === undefined) throw new Error("payload cannot be canonicalised");
  return Buffer.from(text, "utf8");
}

/**
 * Signs `payload` (any JSON value) with the current key of `purpose`: Ed25519 (RFC 8032)
 * through node:crypto's cached KeyObject, over the RFC 8785 canonical JSON of `payload`.
 * Unlike `signDocument`, nothing is added to the payload: the caller carries `kid` beside it
 * (decision receipts: `{kid, alg, payload, signature}`). Ed25519 is deterministic, so the same
 * payload under the same key always gives the same signature.
 * Returns `{kid, signature}` (signature: 64 bytes, base64url). Throws Error when the purpose
 * has no signing key (see `ensureSigningKey`) or the payload can't be canonicalised.
 */
export function signPayload(purpose: SigningPurpose, payload: unknown): { kid: string; signature: string } {
  return signCanonical(purpose, canonicalBytes(payload));
}

/**
 * `signPayload` for a caller that already holds the payload's RFC 8785 canonical JSON (as text
 * or its UTF-8 bytes) — it must be exactly that, or the signature won't verify.
 */
export function signCanonical(purpose: SigningPurpose, canonical: string | Buffer): { kid: string; signature: string } {
  const ring = keyRing(purpose);
  if (!ring.current) throw new Error(`no ${purpose} signing key: set it in the environment or start Warden once to generate one in the data directory`);
  const bytes = typeof canonical === "string" ? Buffer.from(canonical, "utf8") : canonical;
  return { kid: ring.current.kid, signature: sign(null, bytes, ring.current.privateKey).toString("base64url") };
}

/**
 * Checks a signature made by `signPayload` against the published keys of `purpose` (current
 * and retired, never a key from the caller or the database). Never throws.
 */
export function verifyPayload(purpose: SigningPurpose, payload: unknown, kid: string, signature: string): SignatureCheck {
  const ring = keyRing(purpose);
  const key = ring.trusted.get(kid);
  if (!key) return { ok: false, reason: "unknown_key", keyId: kid, message: `signed by key ${kid}, which is not one of Warden's published ${purpose} keys` };
  let good = false;
  try {
    good = verify(null, canonicalBytes(payload), key, Buffer.from(signature, "base64url"));
  } catch {
    good = false;
  }
  if (!good) return { ok: false, reason: "bad_signature", keyId: kid, message: `the signature does not match the payload under key ${kid}` };
  return { ok: true, keyId: kid, status: ring.current?.kid === kid ? "current" : "retired" };
}
