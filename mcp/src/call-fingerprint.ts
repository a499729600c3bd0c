import { createHmac } from "node:crypto";
import canonicalize from "canonicalize";

/**
 * Identifies "the same call": an HMAC-SHA256 (keyed with `secret`, base64url) of the RFC 8785
 * canonical JSON (`canonicalize`) of `{upstream, tool, arguments}`, so key order and number
 * spelling don't matter and different arguments never match. Keyed, because the idempotency key
 * derived from it is stored by Warden: a plain hash would let anyone holding the database test
 * guesses of what the arguments contained.
 */
export function callFingerprint(secret: Buffer, upstream: string, tool: string, args: Record<string, unknown>): string {
  const doc = canonicalize({ upstream, tool, arguments: args });
  if (doc === undefined) throw new TypeError("tool arguments are not JSON");
  return createHmac("sha256", secret).update(doc).digest("base64url");
}
