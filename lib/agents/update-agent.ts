import { auditTx } from "../audit/index.ts";
import { ensureCohort } from "../cohorts/index.ts";
import { prisma } from "../db/index.ts";
import { notifySql, CHANNEL } from "../events/index.ts";
import { identityCache } from "./agent-identity.ts";
import { notFound } from "../errors/index.ts";
import { breakerHolds } from "../breakers/index.ts";
import { globalHaltState } from "../killswitch/index.ts";
import { recordOwnership } from "./ownership.ts";
import { agentInclude, presentAgent, type AgentView } from "./present.ts";
import type { UpdateAgentInput } from "./schemas.ts";

/**
 * Edits an agent's description, cohort, owner or risk tier; the audit event holds before and
 * after. A new owner is recorded in the ownership history (segregation of duties binds to every
 * owner since an action's request), and the event says how many of its actions were pending.
 */
export async function updateAgent({ agentId, input, actor }: { agentId: string; input: UpdateAgentInput; actor: string }): Promise<AgentView> {
  const [agent, global, holds] = await Promise.all([
    prisma().$transaction(async (tx) => {
      // Locked: the ownership history gets one tenure per change, in order.
      await tx.$queryRawUnsafe(`SELECT id FROM agents WHERE id = $1 FOR UPDATE`, agentId);
      const before = await tx.agent.findUnique({ where: { id: agentId }, include: agentInclude });
      if (!before) throw notFound("Agent");
      const cohort = input.cohort && input.cohort !== before.cohort.name ? await ensureCohort(tx, input.cohort, actor) : null;
      const after = await tx.agent.update({
        where: { id: agentId },
        data: {
          description: input.description,
          owner: input.owner,
          riskTier: input.riskTier ? (input.riskTier.toUpperCase() as "LOW" | "MEDIUM" | "HIGH") : undefined,
          cohortId: cohort?.id,
        },
        include: agentInclude,
      });
      const pick = (a: typeof before) => ({ description: a.description, cohort: a.cohort.name, owner: a.owner, riskTier: a.riskTier.toLowerCase() });
      const b = pick(before);
      const a = pick(after);
      const changed = (Object.keys(a) as (keyof typeof a)[]).filter((k) => a[k] !== b[k]);
      let pendingActions: number | undefined;
      if (a.owner !== b.owner) {
        await recordOwnership(tx, { agentId, owner: a.owner, actor });
        pendingActions = await tx.action.count({ where: { agentId, status: "PENDING" } });
      }
      await auditTx(tx, {
        actor,
        kind: "agent.updated",
        subject: `agent:${agentId}`,
        agentId,
        cohort: after.cohort.name,
        data: {
          name: after.name,
          before: Object.fromEntries(changed.map((k) => [k, b[k]])),
          after: Object.fromEntries(changed.map((k) => [k, a[k]])),
          ...(pendingActions !== undefined ? { pendingActions } : {}),
        },
      });
      await tx.$executeRawUnsafe(notifySql, CHANNEL.agents, agentId);
      return after;
    }),
    globalHaltState(),
    breakerHolds(),
  ]);
  identityCache().clear();
  return presentAgent(agent, global, holds);
}
