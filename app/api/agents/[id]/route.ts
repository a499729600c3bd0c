import { getAgent, updateAgent, updateAgentSchema } from "@/lib/agents/index.ts";
import { actorOf, can } from "@/lib/auth/index.ts";
import { assertCanGrant, setAgentCapabilities } from "@/lib/capability-changes/index.ts";
import { json, route } from "@/lib/http/index.ts";

export const GET = route({ permission: "read", handler: async ({ params }) => ({ agent: await getAgent(params.id!) }) });

/**
 * Edits an agent. `capabilities` (admins only) sets its grants: applied at once (200), or —
 * when the agent's own owner widens them — recorded as a request another person confirms
 * (202 with `capabilityChange`).
 */
export const PATCH = route({
  permission: "agents:write",
  body: updateAgentSchema,
  handler: async ({ principal, body, params }) => {
    const { capabilities, ...details } = body;
    if (capabilities !== undefined) assertCanGrant(can(principal.role, "agents:grant"));
    const granted = capabilities !== undefined ? await setAgentCapabilities({ agentId: params.id!, capabilities, principal }) : null;
    const agent = Object.keys(details).length ? await updateAgent({ agentId: params.id!, input: details, actor: actorOf(principal) }) : await getAgent(params.id!);
    if (granted?.status === "pending") return json({ agent, capabilityChange: granted.change }, 202);
    return { agent };
  },
});
