import { hkdfSync } from "node:crypto";

let cached: { source: string; key: Uint8Array } | undefined;

/**
 * The key of the redaction markers' HMAC. Every instance must use the same one, or the same
 * value gets different markers and equality searches miss. WARDEN_REDACTION_KEY when set
 * (32+ characters); otherwise derived from NEXTAUTH_SECRET, which instances already share.
 * It never touches the database: with only a dump, a marker can't be tested against guesses.
 */
export function redactionKey(): Uint8Array {
  const explicit = process.env.WARDEN_REDACTION_KEY;
  const source = explicit ?? process.env.NEXTAUTH_SECRET;
  if (!source) throw new Error("no redaction key: set WARDEN_REDACTION_KEY or NEXTAUTH_SECRET (npm start provides it)");
  if (cached?.source !== source) {
    const key = explicit ? Buffer.from(explicit) : Buffer.from(hkdfSync("sha256", source, "warden", "pii-redaction-v1", 32));
    cached = { source, key };
  }
  return cached.key;
}
