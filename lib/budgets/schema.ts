import { z } from "zod";
import { compileNumberExpression, overBudget } from "../policies/index.ts";

export const CALENDARS = ["day", "week", "month"] as const;
export const ON_EXCEED = ["deny", "require_approval"] as const;

const actionGlob = z.string().trim().min(1).max(128).regex(/^[a-z0-9_.:*-]+$/, "an action glob is lowercase letters, digits, _ . : - and * as a wildcard");
const cohortName = z.string().trim().min(2).max(48).regex(/^[a-z0-9][a-z0-9_-]*$/, "a cohort name");
const agentId = z.string().trim().min(4).max(64).regex(/^agt_[a-z0-9]+$/, "an agent id (agt_…)");

/**
 * Largest limit, and largest amount one action may count (larger → budget_error, fail closed):
 * counted in millionths in NUMERIC(24, 6). A require_approval budget's running total (used +
 * reserved, escalated actions included) may grow past its limit up to the column's bound
 * (money.ts MAX_TOTAL_MICROS); an action that would pass it is denied (budget_error).
 */
export const MAX_AMOUNT = 1e15;

function validTimeZone(tz: string): boolean {
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: tz });
    return true;
  } catch {
    return false;
  }
}

export const budgetScopeSchema = z.union([z.strictObject({ cohort: cohortName }), z.strictObject({ agent: agentId })], { error: 'scope is {"cohort": "<name>"} or {"agent": "agt_…"}' });

export const budgetWindowSchema = z.union(
  [
    z.strictObject({ seconds: z.number().int("whole seconds").min(1, "the window must be at least 1 second").max(366 * 86_400, "at most a year") }),
    z.strictObject({
      calendar: z.enum(CALENDARS),
      timeZone: z.string().trim().min(1).max(64).refine(validTimeZone, "an IANA time zone such as Europe/Paris"),
    }),
  ],
  { error: 'window is {"seconds": N} or {"calendar": "day" | "week" | "month", "timeZone": "Europe/Paris"}' },
);

/**
 * A budget as POST /api/budgets and PUT /api/budgets/{id} take it (API.md "Containment").
 * Exactly one of `amount` (a CEL expression giving each action's cost; it must compile —
 * 400 invalid_amount with its position otherwise) and `distinct: "resource"` (count distinct
 * resources touched: blast radius).
 */
export const budgetSpecSchema = z
  .strictObject({
    name: z.string().trim().min(2).max(80).regex(/^[a-z0-9][a-z0-9._-]*$/, "lowercase letters, digits, '.', '_' and '-'"),
    description: z.string().trim().max(2000).default(""),
    scope: budgetScopeSchema,
    actions: z.array(actionGlob).min(1, "name the actions it counts (\"*\" for all)").max(100),
    amount: z.string().trim().min(1).max(2000).optional(),
    distinct: z.literal("resource").optional(),
    limit: z.number().min(0.000001, "the limit must be at least 0.000001 (amounts are counted in millionths)").max(MAX_AMOUNT, `the limit is at most ${MAX_AMOUNT.toExponential()}`),
    unit: z.string().trim().min(1).max(32),
    window: budgetWindowSchema,
    onExceed: z.enum(ON_EXCEED),
    approval: z
      .strictObject({
        quorum: z.number().int().min(1).max(10).default(1),
        timeoutSeconds: z.number().int().min(10).max(7 * 86_400).default(3600),
      })
      .optional(),
  })
  .superRefine((b, ctx) => {
    if ((b.amount === undefined) === (b.distinct === undefined)) {
      ctx.addIssue({ code: "custom", path: ["amount"], message: 'give either amount (a CEL expression) or distinct: "resource"' });
    }
  });

export type BudgetSpec = z.output<typeof budgetSpecSchema>;

/** PUT takes what GET returned: the read-only fields are ignored, anything else unknown is refused. */
const READ_ONLY = ["id", "version", "createdAt", "updatedAt", "usage", "scopeName"];
export const budgetUpdateSchema = z.preprocess(
  (v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([k]) => !READ_ONLY.includes(k))) : v),
  budgetSpecSchema,
);

/** Compiles a budget's amount, or says where it doesn't compile (for a 400 invalid_amount). */
export function checkAmount(source: string): { ok: true } | { ok: false; message: string; details: unknown } {
  const c = compileNumberExpression(source);
  if (!c.ok) return { ok: false, message: `amount: ${c.error.message}${c.error.line ? ` (line ${c.error.line}, column ${c.error.column})` : ""}`, details: c.error };
  const over = overBudget(c);
  if (over) return { ok: false, message: `amount: ${over}`, details: { cost: c.cost } };
  return { ok: true };
}

/** `GET /api/budgets` query: `?agent=` (an agent id) or `?cohort=` narrows the list. */
export const budgetFilterSchema = z.object({ agent: z.string().max(64).optional(), cohort: z.string().max(48).optional() });
