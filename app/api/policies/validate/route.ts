import { z } from "zod";
import { route } from "@/lib/http/index.ts";
import { compileCondition } from "@/lib/policies/index.ts";

const body = z.strictObject({ condition: z.string().max(4000), stage: z.enum(["pre", "post"]).default("pre") });

/** For the editor's as-you-type check: where a CEL condition is wrong, if it is. */
export const POST = route({
  permission: "read",
  body,
  maxBodyBytes: 16 * 1024,
  handler: async ({ body }) => {
    const c = compileCondition(body.condition, body.stage);
    return c.ok ? { ok: true } : { ok: false, error: c.error };
  },
});
