import { z } from "zod";
import { CALENDARS, ON_EXCEED } from "./schema.ts";

/** `BudgetUsage` (present.ts) as a schema: a budget's usage now. */
export const budgetUsageSchema = z.object({
  used: z.number().describe("By allowed and approved actions in the window"),
  reserved: z.number().describe("By pending actions (consumed on approval, released otherwise)"),
  remaining: z.number().describe("What is left of the limit"),
  windowStart: z.iso.datetime(),
  windowEnd: z.iso.datetime(),
});

/** `BudgetView` (present.ts) as a schema: a budget as the API shows it. */
export const budgetViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  scope: z.union([z.object({ cohort: z.string() }), z.object({ agent: z.string() })]),
  actions: z.array(z.string()),
  amount: z.string().optional().describe("CEL expression giving each action's cost"),
  distinct: z.literal("resource").optional().describe("Counts distinct resources touched (blast radius)"),
  limit: z.number(),
  unit: z.string(),
  window: z.union([z.object({ seconds: z.number().int() }), z.object({ calendar: z.enum(CALENDARS), timeZone: z.string() })]),
  onExceed: z.enum(ON_EXCEED),
  approval: z.object({ quorum: z.number().int(), timeoutSeconds: z.number().int() }),
  scopeName: z.string().describe("The agent's name for an agent scope, the cohort otherwise"),
  version: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  usage: budgetUsageSchema.optional(),
});

/** `GET /api/budgets` */
export const budgetListAnswerSchema = z.array(budgetViewSchema);

/** `DELETE /api/budgets/{id}` (and breakers'): what was deleted. */
export const deletedAnswerSchema = z.object({ id: z.string(), deleted: z.literal(true) });
