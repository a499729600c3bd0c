import type { SqlRunner } from "../db/index.ts";

/**
 * The lifecycle's budget step, in the caller's transaction: an approved action's reservations
 * become used (`consume`); a rejected, expired or failed action's are released and leave the
 * running totals (`release`). Locks the totals in id order, like the decisions do. Returns how
 * many reservations changed (0 when the actions reserved nothing).
 */
export async function settleReservations(run: SqlRunner, actionIds: string[], outcome: "consume" | "release"): Promise<number> {
  if (actionIds.length === 0) return 0;
  const rows = await run<{ n: number }>(`SELECT budget_settle($1::text[], $2) AS n`, [actionIds, outcome === "consume"]);
  return Number(rows[0]?.n ?? 0);
}

/**
 * Deletes reservations that can no longer matter (the jobs loop, hourly): used or released
 * shares recorded more than a day before their budget's window — the running total no longer
 * counts them and no settlement changes it. Reserved shares (pending actions) are kept until
 * settled. At most `batch` rows per call. Returns how many it removed.
 */
export async function pruneReservations(run: SqlRunner, batch = 50_000): Promise<number> {
  const rows = await run<{ n: number }>(
    `WITH gone AS (
       DELETE FROM budget_reservations WHERE id IN (
         SELECT r.id FROM budget_reservations r JOIN budget_states s ON s.budget_id = r.budget_id
          WHERE r.state <> 'RESERVED' AND r.at < s.watermark - interval '1 day' LIMIT $1)
       RETURNING 1)
     SELECT count(*)::int AS n FROM gone`,
    [batch],
  );
  return rows[0]?.n ?? 0;
}

/**
 * Locks, in the caller's transaction, the running totals of the budgets the actions hold
 * reservations in (id order, the lock `budget_open` and `budget_settle` take). Transactions
 * that write audit events before they settle — votes (approval.granted, then settlePending),
 * bulk decisions, stage timeouts (escalations, then settlements) — call it first, so that, like
 * every decision, they lock budgets before the audit chain head, and never wait on a decision
 * batch that waits on them.
 */
export async function lockBudgetsOf(run: SqlRunner, actionIds: string[]): Promise<void> {
  if (actionIds.length === 0) return;
  await run(
    `SELECT 1 FROM budget_states WHERE budget_id IN (SELECT budget_id FROM budget_reservations WHERE action_id = ANY($1::text[]) AND state = 'RESERVED')
      ORDER BY budget_id FOR UPDATE`,
    [actionIds],
  );
}
