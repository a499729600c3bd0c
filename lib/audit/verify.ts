import { createHash } from "node:crypto";
import type pg from "pg";
import { pool } from "../db/index.ts";
import { newId } from "../ids.ts";
import { AUDIT_CHAINS } from "./chain.ts";
import { eventHash, GENESIS_HASH } from "./hash.ts";
import { hashedFields, type AuditRow } from "./query.ts";

export type VerifyScope = "full" | "incremental";

export type VerifyResult =
  | { ok: true; scope: VerifyScope; events: number; head: string; chains: number; verifiedAt: string }
  | { ok: false; scope: VerifyScope; firstBadSeq: number; why: string; events: number; verifiedAt: string };

/** Where a chain was last proven intact: its position and the hash there. */
export type Checkpoint = { chain: number; chainSeq: number; hash: string };

export type LastVerification = {
  at: string;
  scope: VerifyScope;
  ok: boolean;
  events: number;
  head: string | null;
  firstBadSeq: number | null;
  why: string | null;
  actor: string;
};

type Problem = { seq: number; why: string };
type Pruned = { from: number; to: number; lastHash: string };

const BATCH = 5000;

/**
 * Walks every chain and reports the earliest (lowest seq) event that was altered, removed or
 * reordered. Reads one consistent snapshot, so it can run under load.
 *
 * "full" starts each chain at genesis. "incremental" starts at the checkpoints of the latest
 * verification if it passed, so at millions of events it reads only what arrived since; the
 * prefix it skips was proven then (run a full one to re-prove it, e.g. `npm run audit:verify`).
 * Runs of events removed by retention, as the chained audit.retention_applied events list
 * them, are gaps the chain may have: the event after one must link to the recorded hash.
 *
 * The outcome is recorded (audit_verifications) for the dashboard's badge.
 */
export async function verifyAuditChain({ scope = "full", actor = "system" }: { scope?: VerifyScope; actor?: string } = {}): Promise<VerifyResult> {
  const client = await pool().connect();
  const verifiedAt = new Date().toISOString();
  let result: VerifyResult;
  let checkpoints: Checkpoint[] = [];
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    const heads = (await client.query<{ chain: number; chain_seq: number; hash: string }>("SELECT chain, chain_seq, hash FROM audit_chain_heads ORDER BY chain")).rows;
    const start = scope === "incremental" ? await lastCheckpoints(client) : new Map<number, Checkpoint>();
    // Nothing to continue from (never verified, or the last verification failed): from genesis.
    scope = start.size ? scope : "full";
    const pruned = await prunedRanges(client);
    let events = 0;
    const problems: Problem[] = [];
    for (const head of heads) {
      const from = start.get(head.chain);
      const walk = await walkChain(client, head.chain, from, pruned.get(head.chain) ?? []);
      events += walk.events;
      if (walk.problem) {
        problems.push(walk.problem);
        continue;
      }
      if (Number(head.chain_seq) !== walk.lastChainSeq || head.hash !== walk.lastHash) {
        problems.push({
          seq: walk.lastSeq + 1,
          why: `chain ${head.chain}: its newest ${Number(head.chain_seq) - walk.lastChainSeq} event(s) after seq ${walk.lastSeq} are missing`,
        });
        continue;
      }
      checkpoints.push({ chain: head.chain, chainSeq: walk.lastChainSeq, hash: walk.lastHash });
    }
    await client.query("COMMIT");
    problems.sort((a, b) => a.seq - b.seq);
    const first = problems[0];
    if (heads.length !== AUDIT_CHAINS) {
      result = { ok: false, scope, firstBadSeq: 0, why: `expected ${AUDIT_CHAINS} chain heads, found ${heads.length}`, events, verifiedAt };
    } else if (first) {
      result = { ok: false, scope, firstBadSeq: first.seq, why: first.why, events, verifiedAt };
    } else {
      const head = createHash("sha256").update(heads.map((h) => h.hash).join("")).digest("hex");
      result = { ok: true, scope, events, head, chains: heads.length, verifiedAt };
    }
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  if (!result.ok) checkpoints = [];
  await pool().query(
    `INSERT INTO audit_verifications (id, at, scope, ok, events, head, first_bad_seq, why, checkpoints, actor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)`,
    [newId("ver"), verifiedAt, scope, result.ok, result.events, result.ok ? result.head : null, result.ok ? null : result.firstBadSeq, result.ok ? null : result.why, JSON.stringify(checkpoints), actor],
  );
  return result;
}

/** The last recorded verification, for the badge; null if the chain was never verified. */
export async function lastVerification(): Promise<LastVerification | null> {
  const { rows } = await pool().query<{ at: Date; scope: VerifyScope; ok: boolean; events: number; head: string | null; first_bad_seq: number | null; why: string | null; actor: string }>(
    `SELECT at, scope, ok, events, head, first_bad_seq, why, actor FROM audit_verifications ORDER BY at DESC, id DESC LIMIT 1`,
  );
  const r = rows[0];
  if (!r) return null;
  return { at: r.at.toISOString(), scope: r.scope, ok: r.ok, events: Number(r.events), head: r.head, firstBadSeq: r.first_bad_seq === null ? null : Number(r.first_bad_seq), why: r.why, actor: r.actor };
}

/**
 * Where an incremental verification starts: the checkpoints of the latest verification, if
 * it passed. After a failed one there is nothing to continue from (it starts at genesis), so
 * a quick check can't paper over what a full one found.
 */
async function lastCheckpoints(client: pg.PoolClient): Promise<Map<number, Checkpoint>> {
  const { rows } = await client.query<{ ok: boolean; checkpoints: Checkpoint[] }>(`SELECT ok, checkpoints FROM audit_verifications ORDER BY at DESC, id DESC LIMIT 1`);
  const last = rows[0];
  return new Map(last?.ok ? last.checkpoints.map((c) => [c.chain, c]) : []);
}

/**
 * The runs retention removed, as the chained audit.retention_applied events list them (a row
 * slipped into audit_pruned_ranges proves nothing), and only for partitions that are gone.
 */
async function prunedRanges(client: pg.PoolClient): Promise<Map<number, Pruned[]>> {
  const { rows } = await client.query<{ chain: number; from: number; to: number; last_hash: string }>(
    `SELECT (r->>'chain')::int AS chain, (r->>'from')::bigint AS from, (r->>'to')::bigint AS to, r->>'lastHash' AS last_hash
       FROM audit_events e
       CROSS JOIN LATERAL jsonb_array_elements(e.data->'partitions') p
       CROSS JOIN LATERAL jsonb_array_elements(p->'ranges') r
      WHERE e.kind = 'audit.retention_applied' AND jsonb_typeof(p->'ranges') = 'array'
        AND to_regclass(format('public.%I', p->>'name')) IS NULL
      ORDER BY 1, 2`,
  );
  const byChain = new Map<number, Pruned[]>();
  for (const r of rows) {
    const list = byChain.get(r.chain) ?? [];
    list.push({ from: Number(r.from), to: Number(r.to), lastHash: r.last_hash });
    byChain.set(r.chain, list);
  }
  return byChain;
}

type Walk = { events: number; problem?: Problem; lastChainSeq: number; lastHash: string; lastSeq: number };

async function walkChain(client: pg.PoolClient, chain: number, from: Checkpoint | undefined, pruned: Pruned[]): Promise<Walk> {
  let expected = (from?.chainSeq ?? 0) + 1;
  let prevHash = from?.hash ?? GENESIS_HASH;
  let prev: AuditRow | undefined; // the event before, when it was read in this walk
  let lastSeq = 0;
  let events = 0;
  let firstProblem: Problem | undefined;
  // Retention removed events [from, to]: the next one links to the hash recorded for `to`.
  // (`expected` can fall inside a range when a checkpoint was in a month dropped since.)
  const skipPruned = () => {
    for (const p of pruned) {
      if (p.from <= expected && expected <= p.to) {
        expected = p.to + 1;
        prevHash = p.lastHash;
        prev = undefined;
      }
    }
  };
  for (;;) {
    skipPruned();
    const { rows } = await client.query<AuditRow>(
      `SELECT seq, at, actor, kind, subject, agent_id, cohort, data, chain, chain_seq, prev_hash, hash
         FROM audit_events WHERE chain = $1 AND chain_seq >= $2 ORDER BY chain_seq LIMIT $3`,
      [chain, expected, BATCH],
    );
    for (const r of rows) {
      skipPruned();
      events++;
      const chainSeq = Number(r.chain_seq);
      const seq = Number(r.seq);
      let problem: Problem | undefined;
      if (chainSeq !== expected) {
        problem = { seq, why: `chain ${chain}: event #${expected}${chainSeq - expected > 1 ? `–#${chainSeq - 1}` : ""} missing before seq ${seq}` };
      } else if (eventHash(hashedFields(r)) !== r.hash) {
        problem = { seq, why: `chain ${chain}: seq ${seq} does not match its hash (its contents were altered)` };
      } else if (r.prev_hash !== prevHash) {
        // This event is intact, so the one before it must have been rewritten.
        problem = prev
          ? { seq: Number(prev.seq), why: `chain ${chain}: seq ${prev.seq} was altered and re-hashed (seq ${seq} no longer links to it)` }
          : { seq, why: `chain ${chain}: seq ${seq} does not link to ${expected === 1 ? "the start of the chain" : "the event before it"}` };
      } else if (prev && seq <= Number(prev.seq)) {
        problem = { seq, why: `chain ${chain}: seq ${seq} is out of order` };
      }
      // Keep walking: a later event of this chain may be the lower seq to blame (a swap).
      if (problem && (!firstProblem || problem.seq < firstProblem.seq)) firstProblem = problem;
      prev = r;
      prevHash = r.hash;
      lastSeq = seq;
      expected = chainSeq + 1;
    }
    if (rows.length < BATCH) break;
  }
  skipPruned();
  return { events, problem: firstProblem, lastChainSeq: expected - 1, lastHash: prevHash, lastSeq };
}
