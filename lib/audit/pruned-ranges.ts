import type pg from "pg";

/** A run of events retention removed from a chain: positions `from`..`to`, and the hash of `to`. */
export type Pruned = { from: number; to: number; lastHash: string };

/**
 * The runs retention removed, as the chained audit.retention_applied events list them (a row
 * slipped into audit_pruned_ranges proves nothing), and only for partitions that are gone.
 */
export async function prunedRanges(client: Pick<pg.PoolClient, "query">): Promise<Map<number, Pruned[]>> {
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

