import { sign, verify } from "node:crypto";
import canonicalize from "canonicalize";
import { keyRing } from "./key-ring.ts";
import type { SigningPurpose } from "./purposes.ts";

/** A document and its Ed25519 signature over the RFC 8785 canonical JSON of everything but `signature`. */
export type Signed<T> = T & { alg: "EdDSA"; keyId: string; signature: string };

export type SignatureCheck =
  | { ok: true; keyId: string; status: "current" | "retired" }
  | { ok: false; reason: "malformed" | "unknown_key" | "bad_signature"; keyId: string | null; message: string };

function signedBytes(doc: Record<string, unknown>): Buffer {
  const body = { ...doc };
  delete body.signature;
  const text = canonicalize(body);
  if (text === undefined) throw new Error("document cannot be canonicalised");
  return Buffer.from(text, "utf8");
}

/**
 * Signs `doc` with the current key of `purpose`: adds `alg` ("EdDSA", RFC 8037), `keyId`
 * (RFC 7638 thumbprint of the public key) and `signature` (Ed25519, RFC 8032, base64url) over
 * the RFC 8785 canonical JSON of the document with `alg` and `keyId` — so any JSON rendering
 * of the result verifies, and no member can be changed or added without breaking it.
 * Throws Error when the purpose has no signing key (see `ensureSigningKey`).
 */
export function signDocument<T extends Record<string, unknown>>(purpose: SigningPurpose, doc: T): Signed<T> {
  const ring = keyRing(purpose);
  if (!ring.current) throw new Error(`no ${purpose} signing key: set it in the environment or start Warden once to generate one in the data directory`);
  const body = { ...doc, alg: "EdDSA" as const, keyId: ring.current.kid };
  const signature = sign(null, signedBytes(body), ring.current.privateKey).toString("base64url");
  return { ...body, signature };
}

/**
 * Checks a signed document against the published keys of `purpose` (current and retired; never
 * a key found in the document or the database). Never throws: a document that is not even
 * shaped like a signed one is `malformed`.
 */
export function verifyDocument(purpose: SigningPurpose, doc: unknown): SignatureCheck {
  if (typeof doc !== "object" || doc === null || Array.isArray(doc)) return { ok: false, reason: "malformed", keyId: null, message: "not a signed document" };
  const d = doc as Record<string, unknown>;
  const keyId = typeof d.keyId === "string" ? d.keyId : null;
  if (d.alg !== "EdDSA" || !keyId || typeof d.signature !== "string") return { ok: false, reason: "malformed", keyId, message: "missing alg EdDSA, keyId or signature" };
  const ring = keyRing(purpose);
  const key = ring.trusted.get(keyId);
  if (!key) return { ok: false, reason: "unknown_key", keyId, message: `signed by key ${keyId}, which is not one of Warden's published ${purpose} keys` };
  let good = false;
  try {
    good = verify(null, signedBytes(d), key, Buffer.from(d.signature, "base64url"));
  } catch {
    good = false;
  }
  if (!good) return { ok: false, reason: "bad_signature", keyId, message: `the signature does not match the document under key ${keyId}` };
  return { ok: true, keyId, status: ring.current?.kid === keyId ? "current" : "retired" };
}

/** What `/api/keys/<purpose>` answers: the current key id and every published key. */
export function publishedKeys(purpose: SigningPurpose): { purpose: SigningPurpose; current: string | null; keys: ReturnType<typeof keyRing>["published"] } {
  const ring = keyRing(purpose);
  return { purpose, current: ring.current?.kid ?? null, keys: ring.published };
}
