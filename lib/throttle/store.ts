import type pg from "pg";
import { RateLimiterPostgres } from "rate-limiter-flexible";
import { pool } from "../db/index.ts";

/** The table rate-limiter-flexible keeps its counters in (migration 20261129155600_rate_limits). */
export const RATE_LIMIT_TABLE = "rate_limits";

type LimiterSpec = { prefix: string; points: number; durationSeconds: number };

// One set of limiters per pg pool: tests (and a restarted pool) get fresh ones.
const byPool = new WeakMap<pg.Pool, Map<string, RateLimiterPostgres>>();

/**
 * A rate-limiter-flexible limiter on PostgreSQL (the `rate_limits` table, which the migrations
 * create: `tableCreated: true`, so Warden needs no DDL rights at run time), on lib/db's pool.
 * Every instance shares the counters; each change is one atomic `INSERT … ON CONFLICT DO
 * UPDATE … RETURNING`, so concurrent attempts are counted exactly. The first limiter of a pool
 * also runs the library's sweep (every 5 minutes, rows expired over an hour ago; the timer is
 * unref'd).
 */
export function limiter({ prefix, points, durationSeconds }: LimiterSpec): RateLimiterPostgres {
  const p = pool();
  let mine = byPool.get(p);
  if (!mine) byPool.set(p, (mine = new Map()));
  const id = `${prefix}|${points}|${durationSeconds}`;
  let l = mine.get(id);
  if (!l) {
    l = new RateLimiterPostgres({
      storeClient: p,
      storeType: "pool",
      tableName: RATE_LIMIT_TABLE,
      tableCreated: true,
      clearExpiredByTimeout: mine.size === 0,
      keyPrefix: prefix,
      points,
      duration: durationSeconds,
    });
    mine.set(id, l);
  }
  return l;
}

/** The row key rate-limiter-flexible stores for `key` under `prefix`. */
export function storedKey(prefix: string, key: string): string {
  return `${prefix}:${key}`;
}
