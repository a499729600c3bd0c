import type { Reason } from "../actions/index.ts";
import { runNumberExpression } from "../policies/index.ts";
import type { CompiledBudget } from "./cache.ts";
import { microsToNumber, toMicros } from "./money.ts";
import { MAX_AMOUNT } from "./schema.ts";

/** A budget an action counts against, with its share as computed from the raw request. */
export type DraftBudget = {
  budgetId: string;
  /** The budget version the amount was computed with; a different one at commit fails closed. */
  version: number;
  /** Millionths of the budget's unit (a distinct-resources budget: one resource, 1_000_000). */
  amountMicros: bigint;
  /** The resource as stored (PII redacted: the same value always gives the same marker), for a distinct-resources budget; null otherwise. */
  resource: string | null;
};

/** Whether a budget covers this agent's action. */
export function budgetCovers(b: CompiledBudget, agent: { agentId: string; cohort: string }, action: string): boolean {
  const inScope = b.scope.kind === "agent" ? b.scope.value === agent.agentId : b.scope.value === agent.cohort;
  return inScope && b.actions.some((r) => r.test(action));
}

function errorReason(b: CompiledBudget, why: string): Reason {
  return {
    code: "budget_error",
    message: `Budget ${b.name}: ${why}; denied (fail closed)`,
    budget: { id: b.id, name: b.name, unit: b.unit, limit: microsToNumber(b.limitMicros) },
  };
}

/**
 * The budgets an action counts against and its amount in each — computed on the raw request
 * with each budget's compiled `amount` (CEL sees agent, action, resource, input, context, now).
 * An amount that errors, is negative, not finite or too large makes the action denied (fail
 * closed): the first such budget's `budget_error` reason is returned instead. An amount of 0
 * reserves nothing (and is left out, unless `keepZero`: an approval with changes needs it). `storedResource` is the resource as it will be stored (redacted): what a
 * distinct-resources budget records and counts.
 */
export function budgetsFor(
  budgets: CompiledBudget[],
  agent: { agentId: string; cohort: string },
  action: string,
  storedResource: string,
  vars: Record<string, unknown>,
  opts: { keepZero?: boolean } = {},
): { budgets: DraftBudget[] } | { error: Reason } {
  const out: DraftBudget[] = [];
  for (const b of budgets) {
    if (!budgetCovers(b, agent, action)) continue;
    if (b.distinct) {
      out.push({ budgetId: b.id, version: b.version, amountMicros: 1_000_000n, resource: storedResource });
      continue;
    }
    if (!b.amount) return { error: errorReason(b, b.amountError ?? "it has no amount") };
    const r = runNumberExpression(b.amount, vars);
    if ("error" in r) return { error: errorReason(b, `its amount could not be computed (${r.error})`) };
    if (r.value < 0) return { error: errorReason(b, `its amount is negative (${r.value})`) };
    if (r.value > MAX_AMOUNT) return { error: errorReason(b, `its amount is too large (${r.value})`) };
    const micros = toMicros(r.value);
    if (micros > 0n || opts.keepZero) out.push({ budgetId: b.id, version: b.version, amountMicros: micros, resource: null });
  }
  return { budgets: out };
}
