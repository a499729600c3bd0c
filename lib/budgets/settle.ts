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
