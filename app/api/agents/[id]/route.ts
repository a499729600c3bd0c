import { getAgent, updateAgent, updateAgentSchema } from "@/lib/agents/index.ts";
import { actorOf } from "@/lib/auth/index.ts";
import { route } from "@/lib/http/index.ts";

export const GET = route({ permission: "read", handler: async ({ params }) => ({ agent: await getAgent(params.id!) }) });

export const PATCH = route({
  permission: "agents:write",
  body: updateAgentSchema,
  handler: async ({ principal, body, params }) => ({ agent: await updateAgent({ agentId: params.id!, input: body, actor: actorOf(principal) }) }),
});
