import { clientRunner, pool, type SqlRunner } from "../db/index.ts";
import { limiter, RATE_LIMIT_TABLE, storedKey } from "./store.ts";

/**
 * A throttle with progressive delays rather than a lock: `free` attempts per window, then
 * one attempt per delay, the delay doubling with every attempt over `free` (refused ones
 * included, so hammering only makes it longer) up to `maxDelaySeconds`. Nobody is shut out
 * for the whole window; a patient client gets through at a slowing rate.
 */
export type ThrottleSpec = {
  /** Key prefix in the store, e.g. `login.account`. */
  name: string;
  /** Attempts per window that pass without delay. */
  free: number;
  /** The counting window (s): counts restart after it. */
  windowSeconds: number;
  /** The delay (s) after the first attempt over `free`; it doubles with each further one. */
  firstDelaySeconds: number;
  maxDelaySeconds: number;
};

/** `engaged`: this attempt is the window's first over `free` (exactly one per window, allowed or not). */
export type ThrottleVerdict = { allowed: true; attempt: number; engaged: boolean } | { allowed: false; attempt: number; engaged: boolean; retryAfterSeconds: number };

const counterOf = (t: ThrottleSpec) => limiter({ prefix: t.name, points: t.free, durationSeconds: t.windowSeconds });
const gateOf = (t: ThrottleSpec) => limiter({ prefix: `${t.name}.gate`, points: 1, durationSeconds: t.maxDelaySeconds });

/** The delay (s) after attempt number `attempt` (1-based) of a window. */
export function delayAfter(t: ThrottleSpec, attempt: number): number {
  const excess = attempt - t.free;
  if (excess <= 0) return 0;
  return Math.min(t.firstDelaySeconds * 2 ** Math.min(excess - 1, 30), t.maxDelaySeconds);
}

/**
 * Counts one attempt for `key` and says whether it may go ahead — atomically across
 * instances: the count is one upsert, and over `free` a gate row lets exactly one attempt
 * through per delay (the one whose upsert opened it), so fifty parallel attempts can't
 * all slip in before a count is read.
 */
export async function attempt(t: ThrottleSpec, key: string): Promise<ThrottleVerdict> {
  const n = (await counterOf(t).penalty(key, 1)).consumedPoints;
  if (n <= t.free) return { allowed: true, attempt: n, engaged: false };
  const engaged = n === t.free + 1;
  const gate = await gateOf(t).penalty(key, 1, { customDuration: delayAfter(t, n) });
  if (gate.consumedPoints === 1) return { allowed: true, attempt: n, engaged };
  return { allowed: false, attempt: n, engaged, retryAfterSeconds: Math.max(1, Math.ceil(gate.msBeforeNext / 1000)) };
}

/** Takes back one counted attempt (it turned out fine): the window's count goes down by one. */
export async function refund(t: ThrottleSpec, key: string): Promise<void> {
  await counterOf(t).reward(key, 1);
}

/** Forgets `key` entirely: count and delay. */
export async function reset(t: ThrottleSpec, key: string): Promise<void> {
  await Promise.all([counterOf(t).delete(key), gateOf(t).delete(key)]);
}

/**
 * Forgets every key of this throttle that starts with `keyPrefix` (count and delay); returns
 * how many rows went. `run` lets the caller do it inside its transaction (with its audit event).
 */
export async function resetPrefix(t: ThrottleSpec, keyPrefix: string, run?: SqlRunner): Promise<number> {
  const sql = `DELETE FROM ${RATE_LIMIT_TABLE} WHERE starts_with(key, $1) OR starts_with(key, $2) RETURNING key`;
  const params = [storedKey(t.name, keyPrefix), storedKey(`${t.name}.gate`, keyPrefix)];
  if (run) return (await run(sql, params)).length;
  const client = await pool().connect();
  try {
    return (await clientRunner(client)(sql, params)).length;
  } finally {
    client.release();
  }
}

/**
 * The keys (without the throttle's prefix) whose window holds more than `free` attempts now —
 * those being delayed — among those starting with one of `keyPrefixes`.
 */
export async function delayedKeys(t: ThrottleSpec, keyPrefixes: string[]): Promise<string[]> {
  if (keyPrefixes.length === 0) return [];
  const prefix = storedKey(t.name, "");
  const { rows } = await pool().query<{ key: string }>(
    `SELECT key FROM ${RATE_LIMIT_TABLE}
      WHERE starts_with(key, $1) AND points > $2 AND expire > $3
        AND EXISTS (SELECT 1 FROM unnest($4::text[]) p WHERE starts_with(key, p))`,
    [prefix, t.free, Date.now(), keyPrefixes.map((k) => storedKey(t.name, k))],
  );
  return rows.map((r) => r.key.slice(prefix.length));
}
