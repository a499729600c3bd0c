import { actorOf } from "@/lib/auth/index.ts";
import { route } from "@/lib/http/index.ts";
import { createPolicy, listPolicies, policySpecSchema } from "@/lib/policies/index.ts";

export const GET = route({ permission: "read", handler: async () => ({ policies: await listPolicies() }) });

export const POST = route({
  permission: "policies:write",
  body: policySpecSchema,
  status: 201,
  handler: async ({ principal, body }) => ({ policy: await createPolicy({ spec: body, actor: actorOf(principal), userId: principal.userId }) }),
});
