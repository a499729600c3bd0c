import type pg from "pg";
import { prepared } from "../db/index.ts";

type Keyed = { agentId: string; idempotencyKey: string | null; budgets: unknown[] };

const keyOf = (agentId: string, key: string) => `${agentId}\u0000${key}`;

/**
 * The group commit's replay prediction, for budgets: a draft whose idempotency key already
 * names an action (stored, or an earlier draft of the same batch) will be answered as a replay
 * by the insert's `ON CONFLICT DO NOTHING` — it must not reserve its amount in the batch's
 * running totals, or the drafts after it would see a total inflated by an amount that is
 * never recorded (and be refused or escalated while the budget had room).
 *
 * `knownKeysSql(drafts)` — one statement (null when no budgeted draft has a key) for the first round trip, run after the budgets are
 * locked: the keys of the batch's budgeted drafts that are already stored (actions are never
 * deleted, so a key seen here conflicts at the insert). A key inserted by a concurrent batch
 * that has not committed yet is not seen: that draft still reserves in memory (its batch
 * neighbours are then judged conservatively, never leniently; the stored totals count only
 * inserted actions — BudgetLedger.finish).
 */
export function knownKeysSql(drafts: Keyed[]): pg.QueryConfig | null {
  const keyed = drafts.filter((d) => d.idempotencyKey !== null && d.budgets.length > 0);
  if (keyed.length === 0) return null;
  return prepared(`SELECT agent_id, idempotency_key FROM actions WHERE (agent_id, idempotency_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`, [
    keyed.map((d) => d.agentId),
    keyed.map((d) => d.idempotencyKey!),
  ]);
}

/** Which of a batch's drafts will be replays, asked in arrival order (each draft once). */
export class ReplayPrediction {
  private seen: Set<string>;

  /** `stored`: what knownKeysSql returned. */
  constructor(stored: { agent_id: string | null; idempotency_key: string | null }[]) {
    this.seen = new Set(stored.filter((r) => r.agent_id !== null && r.idempotency_key !== null).map((r) => keyOf(r.agent_id!, r.idempotency_key!)));
  }

  /** Whether this draft (about to be inserted) will find its key taken; records its key for the drafts after it. */
  replays(d: { agentId: string; idempotencyKey: string | null }): boolean {
    if (d.idempotencyKey === null) return false;
    const k = keyOf(d.agentId, d.idempotencyKey);
    if (this.seen.has(k)) return true;
    this.seen.add(k);
    return false;
  }
}
