import { actorOf } from "@/lib/auth/index.ts";
import { budgetUpdateSchema, deleteBudget, getBudget, updateBudget } from "@/lib/budgets/index.ts";
import { route } from "@/lib/http/index.ts";

/** The budget with `usage`: used, reserved, remaining, windowStart, windowEnd. */
export const GET = route({ permission: "read", handler: ({ params }) => getBudget(params.id!) });

export const PUT = route({
  permission: "budgets:write",
  body: budgetUpdateSchema,
  handler: async ({ principal, body, params }) => getBudget((await updateBudget({ id: params.id!, spec: body, actor: actorOf(principal) })).id),
});

export const DELETE = route({ permission: "budgets:write", handler: ({ principal, params }) => deleteBudget({ id: params.id!, actor: actorOf(principal) }) });
