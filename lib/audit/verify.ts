import { createHash } from "node:crypto";
import { pool } from "../db/index.ts";
import { AUDIT_CHAINS } from "./append.ts";
import { eventHash, GENESIS_HASH } from "./hash.ts";
import { hashedFields, type AuditRow } from "./query.ts";

export type VerifyResult =
  | { ok: true; events: number; head: string; chains: number; verifiedAt: string }
  | { ok: false; firstBadSeq: number; why: string; events: number; verifiedAt: string };


type Problem = { seq: number; why: string };

const BATCH = 5000;

function recompute(r: AuditRow): string {
  return eventHash(hashedFields(r));
}

/**
 * Walks every chain from its genesis and reports the earliest (lowest seq) event that was
 * altered, removed or reordered. Reads one consistent snapshot, so it can run under load.
 */
export async function verifyAuditChain(): Promise<VerifyResult> {
  const client = await pool().connect();
  const verifiedAt = new Date().toISOString();
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const heads = (
      await client.query<{ chain: number; chain_seq: number; hash: string }>(
        "SELECT chain, chain_seq, hash FROM audit_chain_heads ORDER BY chain",
      )
    ).rows;
    let events = 0;
    const problems: Problem[] = [];
    for (const head of heads) {
      let prev: AuditRow | undefined;
      let expectedSeq = 1;
      let problem: Problem | undefined;
      const note = (p: Problem) => {
        problems.push(p);
        problem ??= p;
      };
      for (;;) {
        const { rows } = await client.query<AuditRow>(
          `SELECT seq, at, actor, kind, subject, agent_id, cohort, data, chain, chain_seq, prev_hash, hash
             FROM audit_events WHERE chain = $1 AND chain_seq >= $2 ORDER BY chain_seq LIMIT $3`,
          [head.chain, expectedSeq, BATCH],
        );
        for (const r of rows) {
          events++;
          const chainSeq = Number(r.chain_seq);
          const seq = Number(r.seq);
          const selfOk = recompute(r) === r.hash;
          if (chainSeq !== expectedSeq) {
            note({ seq, why: `chain ${head.chain}: event #${expectedSeq}${chainSeq - expectedSeq > 1 ? `–#${chainSeq - 1}` : ""} missing before seq ${seq}` });
          } else if (!selfOk) {
            note({ seq, why: `chain ${head.chain}: seq ${seq} does not match its hash (its contents were altered)` });
          } else if (r.prev_hash !== (prev?.hash ?? GENESIS_HASH)) {
            // This event is intact, so the one before it must have been rewritten.
            note(
              prev
                ? { seq: Number(prev.seq), why: `chain ${head.chain}: seq ${prev.seq} was altered and re-hashed (seq ${seq} no longer links to it)` }
                : { seq, why: `chain ${head.chain}: seq ${seq} should start the chain` },
            );
          } else if (prev && seq <= Number(prev.seq)) {
            note({ seq, why: `chain ${head.chain}: seq ${seq} is out of order` });
          }
          prev = r;
          expectedSeq = chainSeq + 1;
        }
        if (rows.length < BATCH) break;
      }
      if (!problem) {
        const lastSeq = prev ? Number(prev.chain_seq) : 0;
        const lastHash = prev?.hash ?? GENESIS_HASH;
        if (Number(head.chain_seq) !== lastSeq || head.hash !== lastHash) {
          const after = prev ? Number(prev.seq) : 0;
          note({
            seq: after + 1,
            why: `chain ${head.chain}: its newest ${Number(head.chain_seq) - lastSeq} event(s) after seq ${after} are missing`,
          });
        }
      }
    }
    await client.query("COMMIT");
    if (heads.length !== AUDIT_CHAINS) {
      return { ok: false, firstBadSeq: 0, why: `expected ${AUDIT_CHAINS} chain heads, found ${heads.length}`, events, verifiedAt };
    }
    problems.sort((a, b) => a.seq - b.seq);
    const first = problems[0];
    if (first) return { ok: false, firstBadSeq: first.seq, why: first.why, events, verifiedAt };
    const head = createHash("sha256").update(heads.map((h) => h.hash).join("")).digest("hex");
    return { ok: true, events, head, chains: heads.length, verifiedAt };
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
