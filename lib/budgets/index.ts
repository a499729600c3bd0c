/**
 * Budgets: what an agent or a cohort may spend (EUR, units, actions) or how many distinct
 * resources it may touch (blast radius) per window — rolling seconds, or a calendar day, ISO
 * week or month in a named time zone — enforced exactly, across instances.
 *
 * How exactness works: every budget has one running-total row (`budget_states`). A decision
 * batch locks the totals of the budgets its drafts count against (`budget_open`, in id order),
 * reads the clock under the lock, ages the window, and decides its drafts one after the other
 * against the totals (`BudgetLedger`): each allowed or pending action reserves its share
 * (`budget_reservations`) in the same transaction as its decision, so per budget the
 * decisions are serialised and none overshoots or leaves slack. `settleReservations` (called
 * by lib/actions settlePending and by a reported failure) consumes (approval) or releases
 * (rejection, expiry, failure) a pending action's shares.
 *
 * - schema.ts — the spec (POST/PUT /api/budgets), `checkAmount` (CEL compile → 400 with the position)
 * - cache.ts — budgets compiled once per version per instance (NOTIFY warden_budgets)
 * - applicable.ts — `budgetsFor`: which budgets an action counts against and its amount in
 *   each (a failing or negative amount fails closed: `budget_error`)
 * - ledger.ts — the decision transaction's part (`budgetOpenSql`, `BudgetLedger`)
 * - revise.ts — approve with changes: a pending action's shares brought to its approved input
 * - settle.ts — the lifecycle's part; read.ts / write.ts — the API; snapshot.ts — `budgets[…]` for CEL
 * - money.ts — amounts counted in millionths (exact sums)
 */
export { budgetSpecSchema, budgetUpdateSchema, budgetFilterSchema, checkAmount, CALENDARS, ON_EXCEED, MAX_AMOUNT, type BudgetSpec } from "./schema.ts";
export { activeBudgets, budgetCache, type CompiledBudget } from "./cache.ts";
export { budgetsFor, budgetCovers, type DraftBudget } from "./applicable.ts";
export { budgetOpenSql, budgetIdsIn, BudgetLedger, type OpenedBudget, type BudgetVerdict } from "./ledger.ts";
export { settleReservations, pruneReservations, lockBudgetsOf } from "./settle.ts";
export { reviseReservations, type BudgetRevision } from "./revise.ts";
export { listBudgets, getBudget, budgetUsage } from "./read.ts";
export { createBudget, updateBudget, deleteBudget } from "./write.ts";
export { budgetsSnapshot, type BudgetsSnapshot, type BudgetReading } from "./snapshot.ts";
export { presentBudget, type BudgetView, type BudgetUsage } from "./present.ts";
export { toMicros, microsToNumber, numericToMicros, microsToNumeric, MAX_TOTAL_MICROS } from "./money.ts";
export { budgetsApi } from "./openapi.ts";
export { budgetViewSchema, budgetUsageSchema, deletedAnswerSchema } from "./responses.ts";
