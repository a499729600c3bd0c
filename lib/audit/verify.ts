import { createHash } from "node:crypto";
import { setImmediate as nextTurn } from "node:timers/promises";
import type pg from "pg";
import { pool } from "../db/index.ts";
import { newId } from "../ids.ts";
import { AUDIT_CHAINS } from "./chain.ts";
import type { CheckpointHead, CheckpointSource, SignedCheckpoint } from "./checkpoint.ts";
import { checkpointFilePath, readLastCheckpoint } from "./checkpoint-file.ts";
import { checkCheckpointDocument, newestStoredCheckpoint, recordCheckpoint, storedCheckpoint, type CheckpointSinks } from "./checkpoints.ts";
import { checkAgainstCheckpoint } from "./check-checkpoint.ts";
import { prunedRanges, type Pruned } from "./pruned-ranges.ts";
import { eventHash, GENESIS_HASH } from "./hash.ts";
import { orderProblems, ranked, type RankedProblem, type VerifyProblem } from "./problems.ts";
import { hashedFields, type AuditRow } from "./query.ts";

export type VerifyScope = "full" | "incremental";

/** A signed checkpoint the log was checked against. */
export type CheckedCheckpoint = { seq: number; at: string; keyId: string; source: CheckpointSource };

export type VerifyResult =
  | {
      ok: true;
      scope: VerifyScope;
      events: number;
      head: string;
      chains: number;
      verifiedAt: string;
      /** The signed checkpoints the log was found to contain. */
      checkedAgainst: CheckedCheckpoint[];
      /** The checkpoint this verification signed (null without a checkpoint key in this process). */
      checkpoint: SignedCheckpoint | null;
      sinks: CheckpointSinks | null;
    }
  | {
      ok: false;
      scope: VerifyScope;
      /** The first bad event's seq; null when the first bad position has no event any more (removed, truncated). */
      firstBadSeq: number | null;
      /** The first bad position: its chain and chain_seq (null for a problem about no one chain, e.g. a forged checkpoint). */
      chain: number | null;
      chainSeq: number | null;
      why: string;
      /** Everything found, first first. */
      problems: VerifyProblem[];
      events: number;
      verifiedAt: string;
      checkedAgainst: CheckedCheckpoint[];
    };

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

const BATCH = 5000;
/**
 * The longest the walk hashes without giving the event loop back (ms). Verifying is CPU-bound
 * (RFC 8785 + SHA-256 per event, ~20–40 µs): a batch of 5,000 hashed in one go held the
 * process for 100–300 ms, and the scheduled checkpoint (every minute, on the process that serves
 * the control plane) showed as halts answering in 270–560 ms under load (issue 16; bench halt
 * probe with 120 calls: p99 278 ms; sliced at 8 ms 155 ms, at 2 ms 129 ms; without the
 * checkpoint 86 ms). Time-sliced, a halt's step waits at most about this long behind it.
 */
const SLICE_MS = 2;
/** Problems kept per chain: enough to see the pattern; a wholesale rewrite would otherwise list millions. */
const MAX_PROBLEMS_PER_CHAIN = 20;

type Candidate = { source: CheckpointSource; doc: unknown };

/**
 * Walks every chain and reports what was altered, removed, re-hashed or reordered, then checks
 * the log against signed checkpoints — the latest one stored in the database, the last line of
 * the file sink (`WARDEN_CHECKPOINT_FILE`) and `checkpoint` when given (an outsider's copy):
 * each must be signed by a published checkpoint key, and each chain must still reach the
 * checkpointed position with the checkpointed hash there. That is what catches a rewrite the
 * links can't show: the newest events deleted and the head moved back, or an event altered and
 * every later hash recomputed. Reads one consistent snapshot, so it can run under load.
 *
 * "full" starts each chain at genesis. "incremental" starts at the newest valid signed
 * checkpoint, if the latest verification passed (after a failure: from genesis). Runs of
 * events removed by retention, as the chained audit.retention_applied events list them, are
 * gaps the chain may have: the event after one must link to the recorded hash.
 *
 * A passing verification signs and records a new checkpoint of the heads it proved
 * (`recordCheckpoint`: database, file, webhook); a failing one never does. Every outcome is
 * recorded (audit_verifications) for the dashboard's badge. Throws database errors.
 */
export async function verifyAuditChain({ scope = "full", actor = "system", checkpoint: given }: { scope?: VerifyScope; actor?: string; checkpoint?: unknown } = {}): Promise<VerifyResult> {
  // Read the file before the snapshot: every checkpoint in it was committed before the file
  // was written, so the snapshot can't be older than what it signed.
  const candidates: Candidate[] = [];
  const problems: RankedProblem[] = [];
  if (given !== undefined) candidates.push({ source: "given", doc: given });
  const file = checkpointFilePath();
  if (file) {
    try {
      const last = await readLastCheckpoint(file);
      if (last !== null) candidates.push({ source: "file", doc: last });
    } catch (err) {
      problems.push(ranked({ kind: "checkpoint_invalid", chain: null, chainSeq: null, seq: null, why: `the checkpoint file ${file} can't be read: ${(err as Error).message}` }));
    }
  }
  const client = await pool().connect();
  const verifiedAt = new Date().toISOString();
  let heads: { chain: number; chain_seq: number; hash: string }[] = [];
  const checkedAgainst: CheckedCheckpoint[] = [];
  let events = 0;
  try {
    await client.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    heads = (await client.query<{ chain: number; chain_seq: number; hash: string }>("SELECT chain, chain_seq, hash FROM audit_chain_heads ORDER BY chain")).rows;
    const stored = await newestStoredCheckpoint(client);
    if (stored !== null) candidates.push({ source: "database", doc: stored });
    const pruned = await prunedRanges(client);

    // Which checkpoints can be trusted (shape and signature), each checked once.
    const valid: { cp: SignedCheckpoint; source: CheckpointSource }[] = [];
    for (const c of candidates) {
      const check = checkCheckpointDocument(c.doc);
      if (!check.ok) {
        const where = c.source === "database" ? "the newest checkpoint in the database" : c.source === "file" ? `the last checkpoint in ${file}` : "the given checkpoint";
        problems.push(ranked({ kind: "checkpoint_invalid", chain: null, chainSeq: null, seq: null, why: `${where}${check.seq ? ` (#${check.seq})` : ""} can't be trusted: ${check.why}` }));
        continue;
      }
      if (valid.some((v) => v.cp.seq === check.checkpoint.seq && v.cp.signature === check.checkpoint.signature)) continue;
      valid.push({ cp: check.checkpoint, source: c.source });
      if (c.source !== "database") {
        // Held outside, so it was recorded here too: its absence means checkpoints were deleted.
        const here = checkCheckpointDocument(await storedCheckpoint(client, check.checkpoint.seq));
        if (!here.ok || here.checkpoint.signature !== check.checkpoint.signature) {
          problems.push(
            ranked({
              kind: "checkpoint_missing",
              chain: null,
              chainSeq: null,
              seq: null,
              why: `checkpoint #${check.checkpoint.seq} (${check.checkpoint.at}, ${c.source === "file" ? "from the checkpoint file" : "given"}) is missing from the database or differs there`,
            }),
          );
        }
      }
    }
    valid.sort((a, b) => b.cp.seq - a.cp.seq);

    const newest = valid[0];
    const startFrom = scope === "incremental" && newest && (await lastPassed(client)) ? new Map(newest.cp.heads.map((h) => [h.chain, h])) : new Map<number, CheckpointHead>();
    // Nothing to continue from (no signed checkpoint, or the last verification failed): from genesis.
    scope = startFrom.size ? scope : "full";

    for (const head of heads) {
      const walk = await walkChain(client, head.chain, startFrom.get(head.chain), pruned.get(head.chain) ?? []);
      events += walk.events;
      problems.push(...walk.problems);
      if (!walk.problems.length && (Number(head.chain_seq) !== walk.lastChainSeq || head.hash !== walk.lastHash)) {
        const missing = Number(head.chain_seq) - walk.lastChainSeq;
        problems.push(
          ranked(
            {
              kind: "removed",
              chain: head.chain,
              chainSeq: walk.lastChainSeq + 1,
              seq: null,
              why:
                missing > 0
                  ? `chain ${head.chain}: its newest ${missing} event(s), #${walk.lastChainSeq + 1}${missing > 1 ? `–#${head.chain_seq}` : ""}, are missing (the head says #${head.chain_seq})`
                  : `chain ${head.chain}: the head (#${head.chain_seq}) does not match the chain's last event (#${walk.lastChainSeq})`,
            },
            walk.lastSeq + 0.5,
          ),
        );
      }
    }
    for (const { cp, source } of valid) {
      problems.push(...(await checkAgainstCheckpoint(client, cp, source, heads, pruned)));
      checkedAgainst.push({ seq: cp.seq, at: cp.at, keyId: cp.keyId, source });
    }
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }

  if (heads.length !== AUDIT_CHAINS) problems.push(ranked({ kind: "heads", chain: null, chainSeq: null, seq: null, why: `expected ${AUDIT_CHAINS} chain heads, found ${heads.length}` }, -1));
  const found = orderProblems(problems);
  const first = found[0];
  let result: VerifyResult;
  if (first) {
    result = { ok: false, scope, firstBadSeq: first.seq, chain: first.chain, chainSeq: first.chainSeq, why: first.why, problems: found, events, verifiedAt, checkedAgainst };
  } else {
    const head = createHash("sha256").update(heads.map((h) => h.hash).join("")).digest("hex");
    const signed = await recordCheckpoint(heads.map((h) => ({ chain: h.chain, chainSeq: Number(h.chain_seq), hash: h.hash })));
    result = { ok: true, scope, events, head, chains: heads.length, verifiedAt, checkedAgainst, checkpoint: signed?.checkpoint ?? null, sinks: signed?.sinks ?? null };
  }
  const proven = result.ok ? heads.map((h) => ({ chain: h.chain, chainSeq: Number(h.chain_seq), hash: h.hash })) : [];
  await pool().query(
    `INSERT INTO audit_verifications (id, at, scope, ok, events, head, first_bad_seq, why, checkpoints, actor) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9::jsonb, $10)`,
    [newId("ver"), verifiedAt, scope, result.ok, result.events, result.ok ? result.head : null, result.ok ? null : result.firstBadSeq, result.ok ? null : result.why, JSON.stringify(proven), actor],
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
 * Whether the latest verification passed. After a failed one an incremental verification
 * starts at genesis, so a quick check can't paper over what a full one found.
 */
async function lastPassed(client: pg.PoolClient): Promise<boolean> {
  const { rows } = await client.query<{ ok: boolean }>(`SELECT ok FROM audit_verifications ORDER BY at DESC, id DESC LIMIT 1`);
  return rows[0]?.ok === true;
}

type Walk = { events: number; problems: RankedProblem[]; lastChainSeq: number; lastHash: string; lastSeq: number };

async function walkChain(client: pg.PoolClient, chain: number, from: CheckpointHead | undefined, pruned: Pruned[]): Promise<Walk> {
  let expected = (from?.chainSeq ?? 0) + 1;
  let prevHash = from?.hash ?? GENESIS_HASH;
  let prev: AuditRow | undefined; // the event before, when it was read in this walk
  let lastSeq = 0;
  let events = 0;
  const found: RankedProblem[] = [];
  const problems = { push: (p: RankedProblem) => void (found.length < MAX_PROBLEMS_PER_CHAIN && found.push(p)) };
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
    let sliceStart = performance.now();
    for (const r of rows) {
      if (performance.now() - sliceStart > SLICE_MS) {
        await nextTurn(); // after the I/O that is waiting: a halt's next step, an answer
        sliceStart = performance.now();
      }
      skipPruned();
      events++;
      const chainSeq = Number(r.chain_seq);
      const seq = Number(r.seq);
      if (chainSeq !== expected) {
        const to = chainSeq - 1;
        problems.push(
          ranked(
            { kind: "removed", chain, chainSeq: expected, seq: null, why: `chain ${chain}: event #${expected}${to > expected ? `–#${to}` : ""} is missing (removed before seq ${seq})` },
            (prev ? Number(prev.seq) : lastSeq) + 0.5,
          ),
        );
      } else if (eventHash(hashedFields(r)) !== r.hash) {
        problems.push(ranked({ kind: "altered", chain, chainSeq, seq, why: `chain ${chain}: seq ${seq} does not match its hash (its contents were altered)` }));
      } else if (r.prev_hash !== prevHash) {
        // This event is intact, so the one before it must have been rewritten.
        problems.push(
          ranked(
            prev
              ? { kind: "rehashed", chain, chainSeq: Number(prev.chain_seq), seq: Number(prev.seq), why: `chain ${chain}: seq ${prev.seq} was altered and re-hashed (seq ${seq} no longer links to it)` }
              : { kind: "unlinked", chain, chainSeq, seq, why: `chain ${chain}: seq ${seq} does not link to ${expected === 1 ? "the start of the chain" : "the event before it"}` },
          ),
        );
      } else if (prev && seq <= Number(prev.seq)) {
        problems.push(ranked({ kind: "reordered", chain, chainSeq, seq, why: `chain ${chain}: seq ${seq} is out of order` }));
      }
      // Keep walking: a later event of this chain may be the lower seq to blame (a swap).
      prev = r;
      prevHash = r.hash;
      lastSeq = seq;
      expected = chainSeq + 1;
    }
    if (rows.length < BATCH) break;
  }
  skipPruned();
  return { events, problems: found, lastChainSeq: expected - 1, lastHash: prevHash, lastSeq };
}
