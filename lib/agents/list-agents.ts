import { prisma } from "../db/index.ts";
import { notFound } from "../errors/index.ts";
import { presentKey, type AgentKeyView } from "./agent-keys.ts";
import { breakerHolds } from "../breakers/index.ts";
import { globalHaltState } from "../killswitch/index.ts";
import { agentInclude, presentAgent, type AgentView } from "./present.ts";
import type { ListAgentsInput } from "./schemas.ts";

export async function listAgents(filter: ListAgentsInput = {}): Promise<AgentView[]> {
  const q = filter.q;
  const [agents, global, holds] = await Promise.all([
    prisma().agent.findMany({
      where: {
        ...(filter.cohort ? { cohort: { name: filter.cohort } } : {}),
        ...(filter.owner ? { owner: filter.owner } : {}),
        ...(q
          ? {
              OR: [
                { name: { contains: q, mode: "insensitive" as const } },
                { description: { contains: q, mode: "insensitive" as const } },
                { owner: { contains: q, mode: "insensitive" as const } },
              ],
            }
          : {}),
      },
      include: agentInclude,
      orderBy: { name: "asc" },
      take: 1000,
    }),
    globalHaltState(),
    breakerHolds(),
  ]);
  return agents.map((a) => presentAgent(a, global, holds));
}

export async function getAgent(agentId: string): Promise<AgentView & { keys: AgentKeyView[] }> {
  const [a, global, holds] = await Promise.all([
    prisma().agent.findUnique({
      where: { id: agentId },
      include: { ...agentInclude, keys: { orderBy: { createdAt: "desc" }, include: { createdBy: { select: { email: true } } } } },
    }),
    globalHaltState(),
    breakerHolds(),
  ]);
  if (!a) throw notFound("Agent");
  return { ...presentAgent(a, global, holds), keys: a.keys.map(presentKey) };
}
