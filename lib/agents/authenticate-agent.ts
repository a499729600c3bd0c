import { prisma } from "../db/index.ts";
import { hashSecret } from "../secrets/index.ts";
import { breakerHolds } from "../breakers/index.ts";
import { globalHaltState } from "../killswitch/index.ts";
import { keyUse } from "./key-use.ts";
import { agentInclude, presentAgent, type AgentView } from "./present.ts";

/** Resolves `Authorization: Bearer wdn_…` to its agent; revoked or unknown keys give null. */
export async function authenticateAgent(secret: string): Promise<(AgentView & { keyId: string }) | null> {
  if (!secret.startsWith("wdn_") || secret.length > 100) return null;
  const key = await prisma().agentKey.findUnique({
    where: { keyHash: hashSecret(secret) },
    select: { id: true, revokedAt: true, agent: { include: agentInclude } },
  });
  if (!key || key.revokedAt) return null;
  keyUse().note(key.id);
  const [global, holds] = await Promise.all([globalHaltState(), breakerHolds()]);
  return { ...presentAgent(key.agent, global, holds), keyId: key.id };
}
