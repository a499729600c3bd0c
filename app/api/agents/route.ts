import { listAgents, listAgentsSchema, registerAgent, registerAgentSchema } from "@/lib/agents/index.ts";
import { actorOf } from "@/lib/auth/index.ts";
import { route } from "@/lib/http/index.ts";

export const GET = route({
  permission: "read",
  query: listAgentsSchema,
  handler: async ({ query }) => ({ agents: await listAgents(query) }),
});

export const POST = route({
  permission: "agents:write",
  body: registerAgentSchema,
  status: 201,
  handler: async ({ principal, body }) => {
    const { agent, apiKey, keyId } = await registerAgent({ input: body, actor: actorOf(principal), createdById: principal.userId });
    return { agent, apiKey, keyId };
  },
});
