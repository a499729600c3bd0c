import { route } from "@/lib/http/index.ts";
import { compileCondition, overBudget, validateConditionSchema } from "@/lib/policies/index.ts";

/** For the editor's as-you-type check: where a CEL condition is wrong (or too expensive), if it is. Compiles only; runs nothing. */
export const POST = route({
  permission: "read",
  body: validateConditionSchema,
  maxBodyBytes: 16 * 1024,
  handler: async ({ body }) => {
    const c = compileCondition(body.condition, body.stage);
    if (!c.ok) return { ok: false, error: c.error };
    const over = overBudget(c);
    return over ? { ok: false, error: { message: over, position: null, line: null, column: null } } : { ok: true, cost: c.cost };
  },
});
