import type { Budget } from "../db/index.ts";
import type { BudgetSpec } from "./schema.ts";

/** A budget's usage now: `used` (by allowed and approved actions), `reserved` (by pending ones), what remains of the limit, and the window. */
export type BudgetUsage = { used: number; reserved: number; remaining: number; windowStart: string; windowEnd: string };

/** A budget as the API shows it (GET /api/budgets[/{id}]). */
export type BudgetView = BudgetSpec & {
  id: string;
  /** The agent's name for an agent scope, the cohort otherwise. */
  scopeName: string;
  version: number;
  createdAt: string;
  updatedAt: string;
  usage?: BudgetUsage;
};

export function specOf(b: Budget): BudgetSpec {
  return {
    name: b.name,
    description: b.description,
    scope: b.scopeKind === "AGENT" ? { agent: b.scopeValue } : { cohort: b.scopeValue },
    actions: b.actions,
    ...(b.amount !== null ? { amount: b.amount } : {}),
    ...(b.distinctBy !== null ? { distinct: "resource" as const } : {}),
    limit: Number(b.limitValue),
    unit: b.unit,
    window: b.windowSeconds !== null ? { seconds: b.windowSeconds } : { calendar: b.calendar as "day" | "week" | "month", timeZone: b.timeZone! },
    onExceed: b.onExceed === "DENY" ? "deny" : "require_approval",
    approval: { quorum: b.approvalQuorum, timeoutSeconds: b.approvalTimeoutSeconds },
  };
}

export function presentBudget(b: Budget, scopeName: string, usage?: BudgetUsage): BudgetView {
  return { id: b.id, ...specOf(b), scopeName, version: b.version, createdAt: b.createdAt.toISOString(), updatedAt: b.updatedAt.toISOString(), ...(usage ? { usage } : {}) };
}
