import { auditTx } from "../audit/index.ts";
import { ensureCohort } from "../cohorts/index.ts";
import { prisma } from "../db/index.ts";
import { conflict } from "../errors/index.ts";
import { newId } from "../ids.ts";
import { issueSecret } from "../secrets/index.ts";
import { breakerHolds } from "../breakers/index.ts";
import { globalHaltState } from "../killswitch/index.ts";
import { agentInclude, presentAgent, type AgentView } from "./present.ts";
import type { RegisterAgentInput } from "./schemas.ts";

/** Registers an agent with its first key. The key is returned once; only its hash is kept. */
export async function registerAgent({ input, actor, createdById }: { input: RegisterAgentInput; actor: string; createdById: string | null }): Promise<{ agent: AgentView; apiKey: string; keyId: string }> {
  const key = issueSecret("wdn");
  const [result, global] = await Promise.all([
    prisma().$transaction(async (tx) => {
      if (await tx.agent.findUnique({ where: { name: input.name }, select: { id: true } })) {
        throw conflict("agent_exists", `An agent named ${input.name} already exists`);
      }
      const cohort = await ensureCohort(tx, input.cohort, actor);
      const agentId = newId("agt");
      const keyId = newId("key");
      const agent = await tx.agent.create({
        data: {
          id: agentId,
          name: input.name,
          description: input.description ?? "",
          cohortId: cohort.id,
          owner: input.owner,
          riskTier: (input.riskTier ?? "medium").toUpperCase() as "LOW" | "MEDIUM" | "HIGH",
          createdById,
          keys: { create: { id: keyId, prefix: key.prefix, keyHash: key.hash, createdById } },
          // The first tenure of its ownership history (segregation of duties).
          owners: { create: { id: newId("own"), owner: input.owner, since: new Date(), until: null, actor } },
        },
        include: agentInclude,
      });
      await auditTx(
        tx,
        {
          actor,
          kind: "agent.registered",
          subject: `agent:${agentId}`,
          agentId,
          cohort: cohort.name,
          data: { name: agent.name, description: agent.description, cohort: cohort.name, owner: agent.owner, riskTier: agent.riskTier.toLowerCase() },
        },
        { actor, kind: "agent_key.created", subject: `agent:${agentId}`, agentId, cohort: cohort.name, data: { keyId, prefix: key.prefix } },
      );
      return { agent, keyId };
    }),
    globalHaltState(),
  ]);
  // After the transaction, not beside it: registrations come in bursts and the pool is shared.
  const holds = await breakerHolds();
  return { agent: presentAgent(result.agent, global, holds), apiKey: key.secret, keyId: result.keyId };
}
