import { pool, type SqlRunner } from "../db/index.ts";
import { actorName } from "../users/index.ts";

/**
 * What the kill switch holds right now (the answer of GET /api/halt, and the dashboard's banner
 * on every page): the global switch — when it is on, since when (ISO 8601), why and who set it
 * (their e-mail, or the actor string when unknown) — and how many cohorts and agents are halted
 * on their own switches (not counting what the global switch covers).
 */
export type HaltSummary =
  | { status: "active"; cohortsHalted: number; agentsHalted: number }
  | { status: "halted"; reason: string | null; haltedAt: string; haltedBy: string | null; cohortsHalted: number; agentsHalted: number };

/** One read (the switch's row and two counts over the small agents and cohorts tables), plus the actor's name. */
export async function haltSummary(): Promise<HaltSummary> {
  const run: SqlRunner = async (sql, params) => (await pool().query(sql, params)).rows;
  const [row] = await run<{ halted_at: Date | null; halt_reason: string | null; halted_by: string | null; cohorts: number; agents: number }>(
    `SELECT s.halted_at, s.halt_reason, s.halted_by,
            (SELECT count(*)::int FROM cohorts WHERE halted_at IS NOT NULL) AS cohorts,
            (SELECT count(*)::int FROM agents WHERE halted_at IS NOT NULL) AS agents
       FROM control_state s WHERE s.id = 1`,
    [],
  );
  const own = { cohortsHalted: row?.cohorts ?? 0, agentsHalted: row?.agents ?? 0 };
  if (!row?.halted_at) return { status: "active", ...own };
  return { status: "halted", reason: row.halt_reason, haltedAt: row.halted_at.toISOString(), haltedBy: row.halted_by ? await actorName(run, row.halted_by) : null, ...own };
}
