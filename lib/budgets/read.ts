import { pool, prisma } from "../db/index.ts";
import { notFound } from "../errors/index.ts";
import { microsToNumber, numericToMicros } from "./money.ts";
import { presentBudget, type BudgetUsage, type BudgetView } from "./present.ts";

/**
 * Usage of these budgets now, without writing: the running total as of now (what aged out of
 * the window since the last decision subtracted, `budget_usage`), split into used and
 * reserved (pending actions' shares).
 */
export async function budgetUsage(ids: string[]): Promise<Map<string, BudgetUsage>> {
  if (ids.length === 0) return new Map();
  const { rows } = await pool().query<{ budget_id: string; total: string; reserved: string; limit_value: string; window_start: Date; window_end: Date }>(
    `SELECT u.budget_id, u.total::text, b.limit_value::text, u.window_start, u.window_end,
            (CASE WHEN b.distinct_by IS NULL
                  THEN (SELECT coalesce(sum(r.amount), 0) FROM budget_reservations r WHERE r.budget_id = u.budget_id AND r.state = 'RESERVED' AND r.at >= greatest(u.window_start, s.watermark))
                  ELSE (SELECT count(DISTINCT r.resource) FROM budget_reservations r WHERE r.budget_id = u.budget_id AND r.state = 'RESERVED' AND r.at >= greatest(u.window_start, s.watermark)
                          AND NOT EXISTS (SELECT 1 FROM budget_reservations x WHERE x.budget_id = r.budget_id AND x.resource = r.resource AND x.state = 'USED' AND x.at >= greatest(u.window_start, s.watermark))) END)::text AS reserved
       FROM budget_usage($1::text[]) u JOIN budgets b ON b.id = u.budget_id JOIN budget_states s ON s.budget_id = u.budget_id`,
    [ids],
  );
  const out = new Map<string, BudgetUsage>();
  for (const r of rows) {
    const total = numericToMicros(r.total);
    const reserved = numericToMicros(r.reserved);
    const limit = numericToMicros(r.limit_value);
    const remaining = limit - total;
    out.set(r.budget_id, {
      used: microsToNumber(total - reserved),
      reserved: microsToNumber(reserved),
      remaining: microsToNumber(remaining > 0n ? remaining : 0n),
      windowStart: r.window_start.toISOString(),
      windowEnd: r.window_end.toISOString(),
    });
  }
  return out;
}

async function scopeNames(budgets: { scopeKind: string; scopeValue: string }[]): Promise<Map<string, string>> {
  const ids = budgets.filter((b) => b.scopeKind === "AGENT").map((b) => b.scopeValue);
  if (ids.length === 0) return new Map();
  const agents = await prisma().agent.findMany({ where: { id: { in: ids } }, select: { id: true, name: true } });
  return new Map(agents.map((a) => [a.id, a.name]));
}

/** Every budget with its usage now, by name. Filter by an agent (budgets on it or its cohort) or a cohort. */
export async function listBudgets(filter: { agentId?: string; cohort?: string } = {}): Promise<BudgetView[]> {
  let where = {};
  if (filter.agentId) {
    const a = await prisma().agent.findUnique({ where: { id: filter.agentId }, select: { cohort: { select: { name: true } } } });
    where = { OR: [{ scopeKind: "AGENT" as const, scopeValue: filter.agentId }, ...(a ? [{ scopeKind: "COHORT" as const, scopeValue: a.cohort.name }] : [])] };
  } else if (filter.cohort) where = { scopeKind: "COHORT" as const, scopeValue: filter.cohort };
  const rows = await prisma().budget.findMany({ where, orderBy: { name: "asc" }, take: 500 });
  const [usage, names] = await Promise.all([budgetUsage(rows.map((b) => b.id)), scopeNames(rows)]);
  return rows.map((b) => presentBudget(b, names.get(b.scopeValue) ?? b.scopeValue, usage.get(b.id)));
}

/** One budget with its usage now. Throws not_found. */
export async function getBudget(id: string): Promise<BudgetView> {
  const b = await prisma().budget.findUnique({ where: { id } });
  if (!b) throw notFound("Budget");
  const [usage, names] = await Promise.all([budgetUsage([b.id]), scopeNames([b])]);
  return presentBudget(b, names.get(b.scopeValue) ?? b.scopeValue, usage.get(b.id));
}
