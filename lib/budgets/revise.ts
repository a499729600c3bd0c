import type { SqlRunner } from "../db/index.ts";
import { conflict } from "../errors/index.ts";
import type { DraftBudget } from "./applicable.ts";
import { MAX_TOTAL_MICROS, microsToNumber, microsToNumeric, numericToMicros } from "./money.ts";

/** What an approval with changes did to one budget's share of the action (audited with the vote). */
export type BudgetRevision = { budgetId: string; name: string; unit: string; from: number; to: number };

type Opened = { budget_id: string; name: string; version: number; unit: string; limit_value: string; total: string; watermark: Date; at: Date; is_distinct: boolean };
type Share = { id: string; budget_id: string; amount: string; at: Date };

const fmt = (micros: bigint) => microsToNumber(micros).toLocaleString("en", { maximumFractionDigits: 6 });

/**
 * Approve with changes, the budgets' part (in the vote's transaction, which holds the action
 * locked, before its audit events: budgets are locked before the audit chain head, as the
 * decisions do). Brings a pending action's reserved share in each budget to what its approved
 * input counts (`counted`: lib/budgets budgetsFor on the approved input with `keepZero` — every
 * amount-based budget that covers the action now, 0 included).
 *
 * Locks the budgets (`budget_open`: id order, windows moved, the clock read under the locks), then:
 * - a larger amount reserves the difference now — a new share stamped with the lock's clock,
 *   so it counts in the current window — only if it fits under the limit at this moment
 *   (whatever the budget's onExceed: a person approving a change is not a budget escalation).
 *   Otherwise 409 changes_exceed_budget, details `{budgets: [{id, name, unit, limit, used,
 *   reserved, needed, available}]}`, and nothing changes (the caller's transaction rolls back);
 * - a smaller amount shrinks the shares to it (newest first): the approved input is binding (the
 *   result report is checked against its hash), so the difference can't be spent and is
 *   given back to the budget at once, like a release;
 * - distinct-resource budgets are left as they are (approvers can't change the resource).
 * A budget whose version changed since `counted` was computed → 409 budget_changed (ask the
 * approver to try again). Returns the budgets whose share changed.
 */
export async function reviseReservations(run: SqlRunner, actionId: string, counted: DraftBudget[]): Promise<BudgetRevision[]> {
  const amounts = counted.filter((d) => d.resource === null);
  const held = await run<{ budget_id: string }>(
    `SELECT DISTINCT budget_id FROM budget_reservations WHERE action_id = $1 AND state = 'RESERVED' AND resource IS NULL`,
    [actionId],
  );
  const ids = [...new Set([...amounts.map((d) => d.budgetId), ...held.map((r) => r.budget_id)])].sort();
  if (ids.length === 0) return [];
  const opened = await run<Opened>(`SELECT budget_id, name, version, unit, limit_value::text, total::text, watermark, at, is_distinct FROM budget_open($1::text[])`, [ids]);
  const shares = await run<Share>(
    `SELECT id::text, budget_id, amount::text, at FROM budget_reservations
      WHERE action_id = $1 AND state = 'RESERVED' AND resource IS NULL AND budget_id = ANY($2::text[]) ORDER BY at DESC, id DESC`,
    [actionId, ids],
  );
  const wanted = new Map(amounts.map((d) => [d.budgetId, d]));
  type Plan = { b: Opened; from: bigint; to: bigint; total: bigint; limit: bigint; mine: Share[] };
  const plans: Plan[] = [];
  const refused: Plan[] = [];
  for (const b of opened) {
    if (b.is_distinct) continue;
    const d = wanted.get(b.budget_id);
    // A budget that no longer covers the action (or was created with another scope): its share stays.
    if (!d) continue;
    if (d.version !== b.version) throw conflict("budget_changed", `Budget ${b.name} changed while this approval was being checked: try again`, { budgetId: b.budget_id });
    const mine = shares.filter((s) => s.budget_id === b.budget_id);
    const from = mine.reduce((n, s) => n + numericToMicros(s.amount), 0n);
    const plan: Plan = { b, from, to: d.amountMicros, total: numericToMicros(b.total), limit: numericToMicros(b.limit_value), mine };
    if (plan.to === plan.from) continue;
    if (plan.to > plan.from && (plan.total + plan.to - plan.from > plan.limit || plan.total + plan.to - plan.from > MAX_TOTAL_MICROS)) refused.push(plan);
    else plans.push(plan);
  }
  if (refused.length) {
    const words = refused.map((p) => {
      const room = p.limit > p.total ? p.limit - p.total : 0n;
      return `${p.b.name} has ${fmt(room)} ${p.b.unit} left of ${fmt(p.limit)} (${fmt(p.total)} used or reserved, ${fmt(p.from)} of it by this action); the change needs ${fmt(p.to - p.from)} more`;
    });
    throw conflict("changes_exceed_budget", `The changed request doesn't fit its budget: ${words.join("; ")}. Approve a smaller change, approve it as it is, or reject it. Nothing was changed.`, {
      budgets: refused.map((p) => ({
        id: p.b.budget_id,
        name: p.b.name,
        unit: p.b.unit,
        limit: microsToNumber(p.limit),
        used: microsToNumber(p.total),
        reserved: microsToNumber(p.from),
        needed: microsToNumber(p.to),
        available: microsToNumber(p.from + (p.limit > p.total ? p.limit - p.total : 0n)),
      })),
    });
  }
  const revisions: BudgetRevision[] = [];
  for (const p of plans) {
    let total = p.total;
    if (p.to > p.from) {
      const more = p.to - p.from;
      await run(`INSERT INTO budget_reservations (budget_id, action_id, amount, resource, at, state) VALUES ($1, $2, $3::numeric, NULL, $4, 'RESERVED')`, [p.b.budget_id, actionId, microsToNumeric(more), p.b.at]);
      total += more;
    } else {
      let give = p.from - p.to;
      for (const s of p.mine) {
        if (give === 0n) break;
        const amount = numericToMicros(s.amount);
        const cut = amount < give ? amount : give;
        await run(`UPDATE budget_reservations SET amount = $2::numeric WHERE id = $1::bigint`, [s.id, microsToNumeric(amount - cut)]);
        // Only shares still in the window are in the running total (older ones aged out of it).
        if (s.at >= p.b.watermark) total -= cut;
        give -= cut;
      }
    }
    if (total !== p.total) await run(`UPDATE budget_states SET total = $2::numeric WHERE budget_id = $1`, [p.b.budget_id, microsToNumeric(total)]);
    revisions.push({ budgetId: p.b.budget_id, name: p.b.name, unit: p.b.unit, from: microsToNumber(p.from), to: microsToNumber(p.to) });
  }
  return revisions;
}
