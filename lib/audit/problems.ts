/**
 * What verification found wrong, by kind:
 * - `altered`: an event's contents no longer match its hash;
 * - `rehashed`: an event was altered and given a new hash (the next event no longer links to it);
 * - `unlinked`: an event does not link to the position before it;
 * - `reordered`: events of a chain are out of seq order;
 * - `removed`: a position of a chain has no event (a gap, or the newest events behind the head);
 * - `truncated`: a chain ends before a position a signed checkpoint holds (its newest events
 *   were deleted and its head moved back);
 * - `rewritten`: the event at a checkpointed position is not the one the checkpoint signed
 *   (the chain was altered at or before it and every later hash recomputed);
 * - `checkpoint_invalid`: a checkpoint is malformed, or not signed by a published key;
 * - `checkpoint_missing`: a signed checkpoint held outside the database is missing from it;
 * - `heads`: the table of chain heads itself is wrong.
 */
export type ProblemKind = "altered" | "rehashed" | "unlinked" | "reordered" | "removed" | "truncated" | "rewritten" | "checkpoint_invalid" | "checkpoint_missing" | "heads";

/**
 * One thing verification found. `chain` and `chainSeq` name the position (for a removed event:
 * the first removed position); `seq` is the event's seq when the event still exists, else null.
 */
export type VerifyProblem = { kind: ProblemKind; chain: number | null; chainSeq: number | null; seq: number | null; why: string };

/** A problem and where it sorts: by seq; a removed position just after the event before it; problems about no chain last. */
export type RankedProblem = VerifyProblem & { rank: number };

export function ranked(p: VerifyProblem, rank = p.seq ?? Number.MAX_SAFE_INTEGER): RankedProblem {
  return { ...p, rank };
}

/** The problems in order, each kind and position once. */
export function orderProblems(list: RankedProblem[]): VerifyProblem[] {
  const seen = new Set<string>();
  return [...list]
    .sort((a, b) => a.rank - b.rank)
    .filter((p) => {
      const key = `${p.kind}:${p.chain}:${p.chainSeq}:${p.kind.startsWith("checkpoint") ? p.why : ""}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .map((p): VerifyProblem => ({ kind: p.kind, chain: p.chain, chainSeq: p.chainSeq, seq: p.seq, why: p.why }));
}
