import type { ActorLabels } from "@/components/audit-events-table.tsx";
import { listAgents } from "@/lib/agents/index.ts";
import { listPolicies } from "@/lib/policies/index.ts";
import { listUsers } from "@/lib/users/index.ts";

/** Readable names for the user:…, agent:… and policy:… strings in the audit log. */
export async function actorLabels(): Promise<ActorLabels> {
  const [users, agents, policies] = await Promise.all([listUsers(), listAgents(), listPolicies()]);
  const labels: ActorLabels = { system: "system" };
  for (const u of users) labels[`user:${u.id}`] = u.email;
  for (const a of agents) labels[`agent:${a.id}`] = a.name;
  for (const p of policies) labels[`policy:${p.id}`] = `policy ${p.name}`;
  return labels;
}
