import { prisma } from "../db/index.ts";
import { bus, CHANNEL } from "../events/index.ts";
import { capabilitiesOf, type Capabilities } from "../grants/index.ts";
import { hashSecret } from "../secrets/index.ts";

/** Who an agent key belongs to, as the data plane needs it on every request. */
export type AgentIdentity = {
  agentId: string;
  keyId: string;
  name: string;
  cohort: string;
  owner: string;
  riskTier: "low" | "medium" | "high";
  /** Capability grants as cached (null = unrestricted); the decision transaction re-reads them. */
  capabilities: Capabilities;
};

const TTL_MS = 30_000;
const MAX_ENTRIES = 10_000;

/**
 * Per-instance cache of key → agent, dropped on any agent or key change signal. It only
 * saves the lookup: the decision transaction re-checks the key and the halts itself.
 */
class IdentityCache {
  private entries = new Map<string, { value: AgentIdentity | null; at: number }>();
  private subscribed = false;

  clear() {
    this.entries.clear();
  }

  async resolve(secret: string): Promise<AgentIdentity | null> {
    if (!secret.startsWith("wdn_") || secret.length > 100) return null;
    if (!this.subscribed) {
      this.subscribed = true;
      bus().subscribe(CHANNEL.agents, () => this.clear());
      bus().subscribe("resync", () => this.clear());
    }
    const hash = hashSecret(secret);
    const hit = this.entries.get(hash);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.value;
    const key = await prisma().agentKey.findUnique({
      where: { keyHash: hash },
      select: { id: true, revokedAt: true, agent: { select: { id: true, name: true, owner: true, riskTier: true, capabilities: true, cohort: { select: { name: true } } } } },
    });
    const value =
      key && !key.revokedAt
        ? {
            agentId: key.agent.id,
            keyId: key.id,
            name: key.agent.name,
            cohort: key.agent.cohort.name,
            owner: key.agent.owner,
            riskTier: key.agent.riskTier.toLowerCase() as AgentIdentity["riskTier"],
            capabilities: capabilitiesOf(key.agent.capabilities),
          }
        : null;
    if (this.entries.size >= MAX_ENTRIES) this.entries.clear();
    // Unknown keys are not cached: a key created a moment ago must work at once.
    if (value) this.entries.set(hash, { value, at: Date.now() });
    return value;
  }
}

const KEY = Symbol.for("warden.identityCache");
type Holder = { [KEY]?: IdentityCache };

export function identityCache(): IdentityCache {
  const g = globalThis as Holder;
  return (g[KEY] ??= new IdentityCache());
}
