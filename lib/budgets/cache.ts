import { prisma } from "../db/index.ts";
import { BusCache, CHANNEL } from "../events/index.ts";
import { compileNumberExpression, globToRegExp, type CelProgram } from "../policies/index.ts";
import { numericToMicros } from "./money.ts";

/** A budget compiled once per version and kept per instance (the decision path reads it). */
export type CompiledBudget = {
  id: string;
  name: string;
  version: number;
  scope: { kind: "agent" | "cohort"; value: string };
  actions: RegExp[];
  /** The amount expression; null for a distinct-resources budget or one whose amount no longer compiles (then it fails closed). */
  amount: CelProgram | null;
  amountError: string | null;
  distinct: boolean;
  limitMicros: bigint;
  unit: string;
  onExceed: "deny" | "require_approval";
};

async function loadBudgets(): Promise<CompiledBudget[]> {
  const rows = await prisma().budget.findMany({ orderBy: { id: "asc" } });
  return rows.map((b) => {
    let amount: CelProgram | null = null;
    let amountError: string | null = null;
    if (b.amount !== null) {
      const c = compileNumberExpression(b.amount);
      if (c.ok) amount = c.program;
      else amountError = `its amount no longer compiles (${c.error.message})`;
    }
    return {
      id: b.id,
      name: b.name,
      version: b.version,
      scope: { kind: b.scopeKind === "AGENT" ? "agent" : "cohort", value: b.scopeValue },
      actions: b.actions.map(globToRegExp),
      amount,
      amountError,
      distinct: b.distinctBy !== null,
      limitMicros: numericToMicros(b.limitValue.toFixed(6)),
      unit: b.unit,
      onExceed: b.onExceed === "DENY" ? "deny" : "require_approval",
    };
  });
}

const KEY = Symbol.for("warden.budgetCache");
type Holder = { [KEY]?: BusCache<CompiledBudget[]> };

/** Every budget, compiled; reloaded on NOTIFY warden_budgets from any instance. */
export function budgetCache(): BusCache<CompiledBudget[]> {
  const g = globalThis as Holder;
  return (g[KEY] ??= new BusCache(CHANNEL.budgets, loadBudgets));
}

export function activeBudgets(): Promise<CompiledBudget[]> {
  return budgetCache().get();
}
