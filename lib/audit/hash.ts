import { createHash } from "node:crypto";
import canonicalize from "canonicalize";

export const GENESIS_HASH = "0".repeat(64);

/** What an event's hash covers: every column but the hash itself. */
export type HashedEvent = {
  seq: number;
  at: Date;
  actor: string;
  kind: string;
  subject: string;
  agentId: string | null;
  cohort: string | null;
  data: unknown;
  chain: number;
  chainSeq: number;
  prevHash: string;
};

// RFC 8785 canonical JSON: key order and number format are fixed, so the hash survives the
// jsonb round trip (PostgreSQL reorders object keys).
export function eventHash(e: HashedEvent): string {
  const doc = canonicalize({ ...e, at: e.at.toISOString() });
  if (doc === undefined) throw new Error("audit event cannot be canonicalised");
  return createHash("sha256").update(doc).digest("hex");
}
