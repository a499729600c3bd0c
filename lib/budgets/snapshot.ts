import { pool } from "../db/index.ts";
import { microsToNumber, numericToMicros } from "./money.ts";

/** What policies read as `budgets["name"]`: the limit, what counts against it now (pending included) and what remains. */
export type BudgetReading = { limit: number; used: number; remaining: number; unit: string };
export type BudgetsSnapshot = Record<string, BudgetReading>;

async function load(): Promise<BudgetsSnapshot> {
  const { rows } = await pool().query<{ name: string; limit_value: string; unit: string; total: string }>(
    `SELECT b.name, b.limit_value::text, b.unit, u.total::text FROM budget_usage(ARRAY(SELECT id FROM budgets)) u JOIN budgets b ON b.id = u.budget_id`,
  );
  const out: BudgetsSnapshot = {};
  for (const r of rows) {
    const limit = numericToMicros(r.limit_value);
    const used = numericToMicros(r.total);
    out[r.name] = { limit: microsToNumber(limit), used: microsToNumber(used), remaining: microsToNumber(limit > used ? limit - used : 0n), unit: r.unit };
  }
  return out;
}

type Flight = { startedAt: number; promise: Promise<BudgetsSnapshot> };
let current: Flight | null = null;
let queued: Flight | null = null;

/**
 * Every budget's usage for policies (`budgets["refunds-per-day"].remaining`), read no earlier
 * than the caller asked: a read already in flight that started before the caller is not
 * reused; one queued behind it is (at most one read in flight and one waiting, however many
 * decisions ask). A snapshot: the exact guarantee is the reservation in the decision's
 * transaction, not this reading.
 */
export function budgetsSnapshot(askedAt: number = Date.now()): Promise<BudgetsSnapshot> {
  if (current && current.startedAt >= askedAt) return current.promise;
  if (!current) return start().promise;
  if (!queued) {
    let resolve!: (s: BudgetsSnapshot) => void;
    let reject!: (e: unknown) => void;
    const promise = new Promise<BudgetsSnapshot>((res, rej) => ((resolve = res), (reject = rej)));
    const flight: Flight = { startedAt: Number.POSITIVE_INFINITY, promise };
    queued = flight;
    void current.promise
      .catch(() => undefined)
      .then(() => {
        queued = null;
        const next = start();
        flight.startedAt = next.startedAt;
        next.promise.then(resolve, reject);
      });
  }
  return queued.promise;
}

function start(): Flight {
  const flight: Flight = { startedAt: Date.now(), promise: load() };
  current = flight;
  void flight.promise.catch(() => undefined).finally(() => {
    if (current === flight) current = null;
  });
  return flight;
}
