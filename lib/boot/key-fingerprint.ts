import { createHmac } from "node:crypto";
import { pool } from "../db/index.ts";
import { redactionKey } from "../redaction/index.ts";

/** The constant whose HMAC under a key is that key's fingerprint. Versioned: never change it. */
const FINGERPRINT_INPUT = "warden:key-fingerprint:v1";

/**
 * A key's fingerprint: HMAC-SHA256 of a fixed constant under the key (hex). It identifies
 * the key without revealing it; with a 256-bit key, a dump holding the fingerprint is no
 * help in finding it.
 */
export function keyFingerprint(key: Uint8Array): string {
  return createHmac("sha256", key).update(FINGERPRINT_INPUT).digest("hex");
}

function mismatchMessage(): string {
  const why =
    process.env.WARDEN_REDACTION_KEY !== undefined
      ? "WARDEN_REDACTION_KEY here is not the key this database was first started with."
      : "This instance derives its redaction key from NEXTAUTH_SECRET, and that is not the secret this database was first started with.";
  return [
    `the redaction key doesn't match this database. ${why}`,
    "Every instance on one database must share it, or retried decisions answer 409 idempotency_conflict, searches by value miss actions and sessions don't cross.",
    "Set WARDEN_REDACTION_KEY (if the other instances set it) or NEXTAUTH_SECRET to the value the other instances use",
    "(a generated NEXTAUTH_SECRET is in their data directory's secrets.json).",
  ].join("\n  ");
}

/**
 * Records the fingerprint of the redaction key (which also keys idempotency request hashes;
 * lib/redaction redactionKey: WARDEN_REDACTION_KEY or derived from NEXTAUTH_SECRET) on the
 * first start on a database, and on every later start checks this instance's key against it.
 * Two instances starting together on an empty database agree: the first insert wins, the
 * other compares against it.
 *
 * @returns "recorded" (first start) or "matched"
 * @throws Error saying what to set when the key differs (start-up stops)
 */
export async function checkKeyFingerprint(): Promise<"recorded" | "matched"> {
  const mine = keyFingerprint(redactionKey());
  const inserted = await pool().query(`INSERT INTO key_fingerprints (name, fingerprint) VALUES ('redaction', $1) ON CONFLICT (name) DO NOTHING`, [mine]);
  if (inserted.rowCount === 1) return "recorded";
  const { rows } = await pool().query<{ fingerprint: string }>(`SELECT fingerprint FROM key_fingerprints WHERE name = 'redaction'`);
  if (rows[0]?.fingerprint === mine) return "matched";
  throw new Error(mismatchMessage());
}
