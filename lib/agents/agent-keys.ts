import { auditTx } from "../audit/index.ts";
import { prisma } from "../db/index.ts";
import { notifySql, CHANNEL } from "../events/index.ts";
import { identityCache } from "./agent-identity.ts";
import { conflict, notFound } from "../errors/index.ts";
import { newId } from "../ids.ts";
import { issueSecret } from "../secrets/index.ts";

export type AgentKeyView = {
  id: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  createdBy: string | null;
};

export function presentKey(k: { id: string; prefix: string; createdAt: Date; lastUsedAt: Date | null; revokedAt: Date | null; createdBy?: { email: string } | null }): AgentKeyView {
  return {
    id: k.id,
    prefix: k.prefix,
    createdAt: k.createdAt.toISOString(),
    lastUsedAt: k.lastUsedAt?.toISOString() ?? null,
    revokedAt: k.revokedAt?.toISOString() ?? null,
    createdBy: k.createdBy?.email ?? null,
  };
}

/** Issues an additional key; older keys keep working until revoked, so rotation has no gap. */
export async function rotateAgentKey({ agentId, actor, createdById }: { agentId: string; actor: string; createdById: string | null }): Promise<{ apiKey: string; key: AgentKeyView }> {
  const key = issueSecret("wdn");
  return prisma().$transaction(async (tx) => {
    const agent = await tx.agent.findUnique({ where: { id: agentId }, select: { id: true, name: true, cohort: { select: { name: true } } } });
    if (!agent) throw notFound("Agent");
    const k = await tx.agentKey.create({ data: { id: newId("key"), agentId, prefix: key.prefix, keyHash: key.hash, createdById } });
    await auditTx(tx, { actor, kind: "agent_key.created", subject: `agent:${agentId}`, agentId, cohort: agent.cohort.name, data: { name: agent.name, keyId: k.id, prefix: k.prefix } });
    return { apiKey: key.secret, key: presentKey(k) };
  });
}

export async function revokeAgentKey({ agentId, keyId, actor }: { agentId: string; keyId: string; actor: string }): Promise<AgentKeyView> {
  const view = await prisma().$transaction(async (tx) => {
    const k = await tx.agentKey.findFirst({ where: { id: keyId, agentId }, include: { agent: { select: { name: true, cohort: { select: { name: true } } } } } });
    if (!k) throw notFound("Key");
    if (k.revokedAt) throw conflict("key_already_revoked", "This key is already revoked");
    const after = await tx.agentKey.update({ where: { id: keyId }, data: { revokedAt: new Date() } });
    await tx.$executeRawUnsafe(notifySql, CHANNEL.agents, agentId);
    await auditTx(tx, { actor, kind: "agent_key.revoked", subject: `agent:${agentId}`, agentId, cohort: k.agent.cohort.name, data: { name: k.agent.name, keyId, prefix: k.prefix } });
    return presentKey(after);
  });
  identityCache().clear();
  return view;
}
