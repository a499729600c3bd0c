import { actorOf } from "@/lib/auth/index.ts";
import { route } from "@/lib/http/index.ts";
import { setPolicyEnabled } from "@/lib/policies/index.ts";

export const POST = route({
  permission: "policies:write",
  handler: async ({ principal, params }) => ({ policy: await setPolicyEnabled({ policyId: params.id!, enabled: true, actor: actorOf(principal) }) }),
});
