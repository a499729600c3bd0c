import { actorOf } from "@/lib/auth/index.ts";
import { route } from "@/lib/http/index.ts";
import { getPolicy, policyUpdateSchema, updatePolicy } from "@/lib/policies/index.ts";

export const GET = route({ permission: "read", handler: async ({ params }) => ({ policy: await getPolicy(params.id!) }) });

/** A new version; the old ones are kept. */
export const PUT = route({
  permission: "policies:write",
  body: policyUpdateSchema,
  handler: async ({ principal, body, params }) => ({ policy: await updatePolicy({ policyId: params.id!, spec: body, actor: actorOf(principal), userId: principal.userId }) }),
});
