import type pg from "pg";
import type { CheckpointSource, SignedCheckpoint } from "./checkpoint.ts";
import { GENESIS_HASH } from "./hash.ts";
import { ranked, type RankedProblem } from "./problems.ts";
import type { Pruned } from "./pruned-ranges.ts";

type Head = { chain: number; chain_seq: number; hash: string };
type Runner = Pick<pg.PoolClient, "query">;

const label = (cp: SignedCheckpoint, source: CheckpointSource) => `checkpoint #${cp.seq} (${cp.at}${source === "database" ? "" : `, ${source === "file" ? "from the checkpoint file" : "given"}`})`;

/**
 * Does the log still hold what a signed checkpoint saw? For each chain: the chain reaches the
 * checkpointed position (else it was `truncated` — its newest events deleted and its head moved
 * back), and the event there still has the checkpointed hash (else the chain was `rewritten`
 * at or before it, every later hash recomputed — what the hash links alone can't reveal), or
 * that position was dropped by retention with that hash recorded. One query, in the caller's
 * snapshot. `heads` are the chain heads read in the same snapshot. Pure reads; throws database errors.
 */
export async function checkAgainstCheckpoint(
  client: Runner,
  cp: SignedCheckpoint,
  source: CheckpointSource,
  heads: Head[],
  pruned: Map<number, Pruned[]>,
): Promise<RankedProblem[]> {
  const headOf = new Map(heads.map((h) => [h.chain, h]));
  // The event at each checkpointed position, and at each head (to place a truncation).
  const positions = cp.heads.flatMap((h) => [
    [h.chain, h.chainSeq],
    [h.chain, Number(headOf.get(h.chain)?.chain_seq ?? 0)],
  ]);
  const { rows } = await client.query<{ chain: number; chain_seq: number; seq: number; hash: string }>(
    `SELECT chain, chain_seq, seq, hash FROM audit_events
      WHERE (chain, chain_seq) IN (SELECT * FROM unnest($1::int[], $2::bigint[]))`,
    [positions.map((p) => p[0]), positions.map((p) => p[1])],
  );
  const at = new Map(rows.map((r) => [`${r.chain}:${Number(r.chain_seq)}`, { seq: Number(r.seq), hash: r.hash }]));
  const problems: RankedProblem[] = [];
  const name = label(cp, source);
  for (const c of cp.heads) {
    const k = c.chainSeq;
    if (k === 0) continue; // the checkpoint saw this chain empty: nothing to lose
    const head = headOf.get(c.chain);
    const top = Number(head?.chain_seq ?? 0);
    if (top < k) {
      const last = at.get(`${c.chain}:${top}`);
      problems.push(
        ranked(
          {
            kind: "truncated",
            chain: c.chain,
            chainSeq: top + 1,
            seq: null,
            why: `chain ${c.chain} ends at #${top}, but ${name} holds it at #${k}: events #${top + 1}${k > top + 1 ? `–#${k}` : ""} were removed and the head moved back`,
          },
          (last?.seq ?? 0) + 0.5,
        ),
      );
      continue;
    }
    const event = at.get(`${c.chain}:${k}`);
    if (event) {
      if (event.hash !== c.hash) {
        problems.push(
          ranked({
            kind: "rewritten",
            chain: c.chain,
            chainSeq: k,
            seq: event.seq,
            why: `chain ${c.chain}: event #${k} (seq ${event.seq}) is not the one ${name} signed — the chain was rewritten at or before #${k} and re-hashed`,
          }),
        );
      }
      continue;
    }
    const dropped = (pruned.get(c.chain) ?? []).find((p) => p.from <= k && k <= p.to);
    if (dropped) {
      // Retention removed it; the retention event recorded the hash of its run's last event.
      if (dropped.to === k && dropped.lastHash !== c.hash) {
        problems.push(ranked({ kind: "rewritten", chain: c.chain, chainSeq: k, seq: null, why: `chain ${c.chain}: the hash retention recorded for #${k} is not the one ${name} signed` }));
      }
      continue;
    }
    problems.push(ranked({ kind: "removed", chain: c.chain, chainSeq: k, seq: null, why: `chain ${c.chain}: event #${k}, which ${name} signed, was removed` }, Number.MAX_SAFE_INTEGER - 1));
  }
  if (cp.heads.some((h) => h.chainSeq === 0 && h.hash !== GENESIS_HASH)) {
    problems.push(ranked({ kind: "checkpoint_invalid", chain: null, chainSeq: null, seq: null, why: `${name} gives an empty chain a hash` }));
  }
  return problems;
}
