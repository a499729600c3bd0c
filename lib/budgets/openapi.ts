import type { ApiOperation } from "../openapi/index.ts";
import { budgetListAnswerSchema, budgetViewSchema, deletedAnswerSchema } from "./responses.ts";
import { budgetFilterSchema, budgetSpecSchema, budgetUpdateSchema } from "./schema.ts";

const spec = {
  name: "pricing-discounts",
  description: "Discounts the pricing cohort may grant per day",
  scope: { cohort: "pricing" },
  actions: ["pricing.set_price"],
  amount: "input.discount * input.units",
  limit: 5000,
  unit: "EUR",
  window: { calendar: "day", timeZone: "Europe/Paris" },
  onExceed: "require_approval",
  approval: { quorum: 1, timeoutSeconds: 3600 },
};
const budget = {
  id: "bud_01JD7",
  ...spec,
  scopeName: "pricing",
  version: 1,
  createdAt: "2026-11-20T10:00:00.000Z",
  updatedAt: "2026-11-20T10:00:00.000Z",
  usage: { used: 1240.5, reserved: 80, remaining: 3679.5, windowStart: "2026-11-28T23:00:00.000Z", windowEnd: "2026-11-29T23:00:00.000Z" },
};
const ID = { id: "The budget id" };
const NOTE = "Exactly one of `amount` (a CEL expression; 400 `invalid_amount` with its position when it doesn't compile) and `distinct: \"resource\"`. Enforced exactly across instances: each allowed or pending action reserves its share in its decision's transaction.";

/** The budget routes (app/api/budgets/**). */
export const budgetsApi: ApiOperation[] = [
  {
    method: "get",
    path: "/api/budgets",
    operationId: "listBudgets",
    tag: "Containment",
    auth: "user",
    permission: "read",
    summary: "Every budget with its usage now",
    query: budgetFilterSchema,
    responses: { 200: { description: "The budgets", schema: budgetListAnswerSchema, example: [budget] } },
  },
  {
    method: "post",
    path: "/api/budgets",
    operationId: "createBudget",
    tag: "Containment",
    auth: "user",
    permission: "budgets:write",
    summary: "Create a budget",
    description: NOTE,
    body: budgetSpecSchema,
    bodyExample: spec,
    responses: { 201: { description: "Created, with its usage", schema: budgetViewSchema, example: { ...budget, usage: { ...budget.usage, used: 0, reserved: 0, remaining: 5000 } } } },
    errors: ["budget_exists", "invalid_amount", "invalid_scope"],
  },
  {
    method: "get",
    path: "/api/budgets/{id}",
    operationId: "getBudget",
    tag: "Containment",
    auth: "user",
    permission: "read",
    summary: "A budget with its usage (used, reserved, remaining, window)",
    params: ID,
    responses: { 200: { description: "The budget", schema: budgetViewSchema, example: budget } },
  },
  {
    method: "put",
    path: "/api/budgets/{id}",
    operationId: "updateBudget",
    tag: "Containment",
    auth: "user",
    permission: "budgets:write",
    summary: "Replace a budget's spec (what GET returned is accepted: read-only fields are ignored)",
    description: NOTE,
    params: ID,
    body: budgetUpdateSchema,
    bodyExample: { ...spec, limit: 6000 },
    responses: { 200: { description: "The budget", schema: budgetViewSchema, example: { ...budget, limit: 6000, version: 2, usage: { ...budget.usage, remaining: 4679.5 } } } },
    errors: ["budget_exists", "invalid_amount", "invalid_scope"],
  },
  {
    method: "delete",
    path: "/api/budgets/{id}",
    operationId: "deleteBudget",
    tag: "Containment",
    auth: "user",
    permission: "budgets:write",
    summary: "Delete a budget (its reservations go with it)",
    params: ID,
    responses: { 200: { description: "Deleted", schema: deletedAnswerSchema, example: { id: "bud_01JD7", deleted: true } } },
  },
];
