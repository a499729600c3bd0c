import { rotateAgentKey } from "@/lib/agents/index.ts";
import { actorOf } from "@/lib/auth/index.ts";
import { route } from "@/lib/http/index.ts";

export const POST = route({
  permission: "agents:write",
  status: 201,
  handler: ({ principal, params }) => rotateAgentKey({ agentId: params.id!, actor: actorOf(principal), createdById: principal.userId }),
});
