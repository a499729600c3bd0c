import pg from "pg";
import { pool, type SqlRunner } from "../db/index.ts";
import { BUCKET_SECONDS, bucketSql, bucketsIn } from "./buckets.ts";
import { COUNTERS, dbScopeKind, zeroCounters, type Counters, type ScopeRef } from "./counters.ts";

/** "How many X in the last W" for one scope. */
export type WindowQuery = {
  scope: ScopeRef;
  /** The window: the last `windowSeconds` (whole 10-second buckets, the current one included). */
  windowSeconds: number;
  /** Ignore buckets before the one this instant falls in (e.g. a breaker's last reset). */
  since?: Date | null;
  /** Also count the distinct resources touched (only recorded for scopes that track them). */
  distinctResources?: boolean;
};

/** A window's counters; `from` is the first bucket counted, `to` the database's now. */
export type WindowCounts = Counters & { distinctResources: number | null; from: Date; to: Date };

const poolRunner: SqlRunner = async <T>(sql: string, params: unknown[]) => (await pool().query(sql, params)).rows as T[];

type Row = Record<string, unknown> & { i: number; from_b: Date; to_t: Date; distinct_resources: number | null };

const lit = (v: string) => pg.escapeLiteral(v);

/**
 * THE one answer to "how many X in the last W" (breakers, budgets' dashboards, anomaly
 * detection, the overview and — later — rollout guards all call this): the counters of each
 * query's scope summed over its window, in one statement whatever the number of queries.
 * Windows are bucket-aligned: the last `windowSeconds` covers the current 10-second bucket
 * and the ones before it, between `windowSeconds − 10` and `windowSeconds` of real time.
 * Answers in query order. `run` may be a transaction's runner; default the pool.
 */
export async function countWindows(queries: WindowQuery[], run: SqlRunner = poolRunner): Promise<WindowCounts[]> {
  if (queries.length === 0) return [];
  const spec = queries
    .map((q, i) => {
      const since = q.since ? `${bucketSql(`${lit(q.since.toISOString())}::timestamptz`)}` : "'-infinity'::timestamptz";
      const back = (bucketsIn(q.windowSeconds) - 1) * BUCKET_SECONDS;
      return `(${i}, '${dbScopeKind(q.scope.kind)}'::"ScopeKind", ${lit(q.scope.id)}, ${lit(q.scope.version ?? "")}, greatest(${bucketSql("now()")} - interval '${back} seconds', ${since}), ${q.distinctResources ? "true" : "false"})`;
    })
    .join(", ");
  const sums = COUNTERS.map((c) => `coalesce(sum(c.${c}), 0)::int AS ${c}`).join(", ");
  const rows = await run<Row>(
    `WITH w(i, kind, id, version, from_b, dr) AS (VALUES ${spec})
     SELECT w.i, w.from_b, now() AS to_t, ${sums},
            CASE WHEN w.dr THEN (SELECT count(DISTINCT r.resource)::int FROM signal_resources r
                                  WHERE r.scope_kind = w.kind AND r.scope_id = w.id AND r.version = w.version AND r.bucket >= w.from_b) END AS distinct_resources
       FROM w LEFT JOIN signal_counters c ON c.scope_kind = w.kind AND c.scope_id = w.id AND c.version = w.version AND c.bucket >= w.from_b
      GROUP BY w.i, w.kind, w.id, w.version, w.from_b, w.dr ORDER BY w.i`,
    [],
  );
  return rows.map((r) => {
    const counts = zeroCounters();
    for (const c of COUNTERS) counts[c] = Number(r[c] ?? 0);
    return { ...counts, distinctResources: r.distinct_resources === null ? null : Number(r.distinct_resources), from: r.from_b, to: r.to_t };
  });
}

/** `countWindows` for one query. */
export async function countWindow(q: WindowQuery, run?: SqlRunner): Promise<WindowCounts> {
  return (await countWindows([q], run))[0]!;
}

/** One point of a series: the window ending with the bucket that starts at `at`. */
export type SeriesPoint = { at: string; counts: Counters };

/**
 * The rolling window's counters at each of the last `points` buckets (oldest first): what a
 * chart of "the metric over its window" plots. Each point sums the `windowSeconds` ending
 * with its bucket, like `countWindows` at that moment; buckets before `since` don't count.
 */
export async function countSeries(q: { scope: ScopeRef; windowSeconds: number; points: number; since?: Date | null }): Promise<SeriesPoint[]> {
  const n = bucketsIn(q.windowSeconds);
  const span = (q.points + n - 1) * BUCKET_SECONDS;
  const sums = COUNTERS.map((c) => `sum(${c})::int AS ${c}`).join(", ");
  const [rows, now] = await Promise.all([
    pool().query<Record<string, unknown> & { bucket: Date }>(
      `SELECT bucket, ${sums} FROM signal_counters
        WHERE scope_kind = $1::"ScopeKind" AND scope_id = $2 AND version = $3 AND bucket > ${bucketSql("now()")} - make_interval(secs => $4) AND bucket >= coalesce(${bucketSql("$5::timestamptz")}, '-infinity')
        GROUP BY bucket`,
      [dbScopeKind(q.scope.kind), q.scope.id, q.scope.version ?? "", span, q.since ?? null],
    ),
    pool().query<{ b: Date }>(`SELECT ${bucketSql("now()")} AS b`),
  ]);
  const byBucket = new Map(rows.rows.map((r) => [r.bucket.getTime(), r]));
  const last = now.rows[0]!.b.getTime();
  const step = BUCKET_SECONDS * 1000;
  const out: SeriesPoint[] = [];
  for (let k = q.points - 1; k >= 0; k--) {
    const end = last - k * step;
    const counts = zeroCounters();
    for (let j = 0; j < n; j++) {
      const r = byBucket.get(end - j * step);
      if (r) for (const c of COUNTERS) counts[c] += Number(r[c] ?? 0);
    }
    out.push({ at: new Date(end).toISOString(), counts });
  }
  return out;
}
