import { revokeAgentKey } from "@/lib/agents/index.ts";
import { actorOf } from "@/lib/auth/index.ts";
import { route } from "@/lib/http/index.ts";

export const DELETE = route({
  permission: "agents:write",
  handler: async ({ principal, params }) => ({ key: await revokeAgentKey({ agentId: params.id!, keyId: params.keyId!, actor: actorOf(principal) }) }),
});
