import { actorOf } from "@/lib/auth/index.ts";
import { budgetFilterSchema, budgetSpecSchema, createBudget, getBudget, listBudgets } from "@/lib/budgets/index.ts";
import { route } from "@/lib/http/index.ts";

/** Every budget with its usage now (an array, API.md "Containment"); `?agent=` or `?cohort=` narrows it. */
export const GET = route({ permission: "read", query: budgetFilterSchema, handler: ({ query }) => listBudgets({ agentId: query.agent, cohort: query.cohort }) });

export const POST = route({
  permission: "budgets:write",
  body: budgetSpecSchema,
  status: 201,
  handler: async ({ principal, body }) => getBudget((await createBudget({ spec: body, actor: actorOf(principal), userId: principal.userId })).id),
});
