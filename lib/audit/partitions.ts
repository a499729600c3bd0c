import { clientRunner, pool } from "../db/index.ts";
import { newId } from "../ids.ts";
import { holdAllChains, writeEventsSql } from "./chain.ts";

/**
 * audit_events is partitioned by UTC month on `at` (migration audit_partitions_and_settings).
 * Partitions are created ahead of time: at start, daily by the jobs, and by seed:volume for
 * the history it writes. Retention drops whole months.
 */
const MONTHS_AHEAD = 3;

/** `events` is PostgreSQL's estimate (0 until the month was first analysed); `bytes` is exact. */
export type AuditPartition = { name: string; from: Date; to: Date; events: number; bytes: number };

/** Makes sure the months from `from` to `to` (default: last month to three months ahead) exist. */
export async function ensureAuditPartitions(from?: Date, to?: Date): Promise<number> {
  const now = Date.now();
  const start = from ?? new Date(now - 31 * 86_400_000);
  const end = to ?? new Date(now + MONTHS_AHEAD * 31 * 86_400_000);
  const { rows } = await pool().query<{ created: number }>(`SELECT audit_ensure_partitions($1, $2) AS created`, [start, end]);
  return Number(rows[0]?.created ?? 0);
}

/** The partitions, oldest first, with their bounds and (estimated, from statistics) sizes. */
export async function listAuditPartitions(): Promise<AuditPartition[]> {
  const { rows } = await pool().query<{ name: string; bound: string; events: number; bytes: number }>(
    `SELECT c.relname AS name, pg_get_expr(c.relpartbound, c.oid) AS bound, GREATEST(c.reltuples, 0)::bigint AS events, pg_total_relation_size(c.oid) AS bytes
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhparent = 'audit_events'::regclass`,
  );
  return rows
    .map((r) => {
      const [from, to] = [...r.bound.matchAll(/'([^']+)'/g)].map((m) => new Date(m[1]!));
      return { name: r.name, from: from!, to: to!, events: Number(r.events), bytes: Number(r.bytes) };
    })
    .sort((a, b) => a.from.getTime() - b.from.getTime());
}

/** A run of one chain's events that retention removed; the next event links to lastHash. */
export type PrunedRange = { chain: number; from: number; to: number; lastHash: string };
export type RetentionResult = { dropped: { name: string; events: number; ranges: PrunedRange[] }[] };

/**
 * Retention: drops every partition that ends on or before `before`. The audit log is
 * append-only, so no row is ever deleted: a month goes as a whole. For each chain, each run
 * of removed events (first and last chain_seq, and the hash of the last) is listed in the
 * audit.retention_applied event appended in the same transaction — chained like any event, so
 * it can't be forged — and kept in audit_pruned_ranges for people to query. Verification
 * accepts exactly those gaps, for partitions that are really gone, and checks that the next
 * surviving event links to the recorded hash. Refuses to drop the current month.
 */
export async function applyAuditRetention({ before, actor }: { before: Date; actor: string }): Promise<RetentionResult> {
  const monthStart = new Date(Date.UTC(new Date().getUTCFullYear(), new Date().getUTCMonth(), 1));
  if (before.getTime() > monthStart.getTime()) throw new Error("retention cannot drop the current month");
  const doomed = (await listAuditPartitions()).filter((p) => p.to.getTime() <= before.getTime());
  const dropped: RetentionResult["dropped"] = [];
  if (!doomed.length) return { dropped };
  const client = await pool().connect();
  const run = clientRunner(client);
  try {
    await client.query("BEGIN");
    // DETACH needs an exclusive lock on audit_events: give up rather than stall every writer
    // behind a long reader (a verification, an export).
    await client.query("SET LOCAL lock_timeout = '5s'");
    // Holding every chain head makes the recorded ranges, the drops and the audit event one
    // atomic step for writers and verifications alike.
    const slot = await holdAllChains(run, 1);
    for (const part of doomed) {
      const table = `"${part.name.replace(/"/g, "")}"`;
      const { rows } = await client.query<{ chain: number; first: number; last: number; last_hash: string; events: number }>(
        `WITH runs AS (SELECT chain, chain_seq, hash, chain_seq - row_number() OVER (PARTITION BY chain ORDER BY chain_seq) AS run FROM ${table})
         SELECT chain, min(chain_seq) AS first, max(chain_seq) AS last, (array_agg(hash ORDER BY chain_seq DESC))[1] AS last_hash, count(*) AS events
           FROM runs GROUP BY chain, run ORDER BY chain, first`,
      );
      for (const r of rows) {
        await client.query(
          `INSERT INTO audit_pruned_ranges (id, chain, from_chain_seq, to_chain_seq, last_hash, partition, events) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
          [newId("prn"), r.chain, r.first, r.last, r.last_hash, part.name, r.events],
        );
      }
      await client.query(`ALTER TABLE audit_events DETACH PARTITION ${table}`);
      await client.query(`DROP TABLE ${table}`);
      dropped.push({
        name: part.name,
        events: rows.reduce((n, r) => n + Number(r.events), 0),
        ranges: rows.map((r) => ({ chain: r.chain, from: Number(r.first), to: Number(r.last), lastHash: r.last_hash })),
      });
    }
    const retained = { actor, kind: "audit.retention_applied" as const, subject: "audit:retention", data: { before: before.toISOString(), partitions: dropped } };
    for (const sql of writeEventsSql(slot, [retained])) await client.query(sql);
    await client.query("COMMIT");
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
  return { dropped };
}
