import { pool } from "../db/index.ts";

/** How long buckets are kept: counters and resource sets two days (breaker windows are at most one), hourly usage eight (the 7-day baselines). */
export const RETENTION = { countersHours: 48, usageHours: 8 * 24 } as const;

/**
 * Deletes buckets older than RETENTION, at most `batch` rows per table per call (the jobs
 * loop calls it hourly; a backlog drains over several calls without long locks). Returns how
 * many rows it removed.
 */
export async function pruneSignals(batch = 50_000): Promise<number> {
  const db = pool();
  let removed = 0;
  for (const [table, hours, col] of [
    ["signal_counters", RETENTION.countersHours, "bucket"],
    ["signal_resources", RETENTION.countersHours, "bucket"],
    ["signal_usage", RETENTION.usageHours, "hour"],
  ] as const) {
    const r = await db.query(`DELETE FROM ${table} WHERE ctid IN (SELECT ctid FROM ${table} WHERE ${col} < now() - make_interval(hours => $1) LIMIT $2)`, [hours, batch]);
    removed += r.rowCount ?? 0;
  }
  return removed;
}
