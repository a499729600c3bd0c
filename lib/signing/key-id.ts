import { createHash, type KeyObject } from "node:crypto";
import canonicalize from "canonicalize";

/**
 * A public key's id: its JWK thumbprint (RFC 7638) — SHA-256 over the canonical JSON of the
 * key's required members `{crv, kty, x}`, base64url without padding (43 characters). Anyone
 * holding the public key computes the same id, so an id can't be claimed for another key.
 */
export function keyIdOf(publicKey: KeyObject): string {
  const { crv, kty, x } = publicKey.export({ format: "jwk" });
  const doc = canonicalize({ crv, kty, x });
  if (doc === undefined) throw new Error("public key cannot be canonicalised");
  return createHash("sha256").update(doc).digest("base64url");
}

/** The raw 32-byte Ed25519 public key, base64url (the JWK `x` member). */
export function rawPublicKey(publicKey: KeyObject): string {
  const { x } = publicKey.export({ format: "jwk" });
  if (typeof x !== "string") throw new Error("not an Ed25519 public key");
  return x;
}
