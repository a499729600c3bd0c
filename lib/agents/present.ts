import { effectiveHalt, haltsCovering, switchHalt, type HaltCover, type HaltScopeKind, type HaltSwitch, type SwitchHalt } from "../killswitch/index.ts";
import type { RiskTierName } from "./schemas.ts";

export type AgentView = {
  id: string;
  name: string;
  description: string;
  cohort: string;
  owner: string;
  riskTier: RiskTierName;
  status: "active" | "halted";
  haltReason?: string;
  haltedBy?: HaltScopeKind;
  /** The agent's own switch, whether or not its cohort or everything is halted too. */
  ownHalt: SwitchHalt;
  /** Every halt that covers it, strongest first (global, cohort, agent); empty when it may act. */
  halts: HaltCover[];
  createdBy: { id: string; email: string; name: string } | null;
  createdAt: string;
  updatedAt: string;
};

export type AgentRow = {
  id: string;
  name: string;
  description: string;
  owner: string;
  riskTier: "LOW" | "MEDIUM" | "HIGH";
  haltedAt: Date | null;
  haltReason: string | null;
  createdAt: Date;
  updatedAt: Date;
  cohort: { name: string } & HaltSwitch;
  createdBy?: { id: string; email: string; name: string } | null;
};

/**
 * An agent as the API shows it: `status`/`haltedBy`/`haltReason` are the effective halt (the
 * precedence of lib/killswitch), `ownHalt` the agent's own switch, `halts` every halt covering it.
 */
export function presentAgent(a: AgentRow, global: HaltSwitch | null): AgentView {
  const switches = { global, cohort: a.cohort, agent: a };
  return {
    id: a.id,
    name: a.name,
    description: a.description,
    cohort: a.cohort.name,
    owner: a.owner,
    riskTier: a.riskTier.toLowerCase() as RiskTierName,
    ...effectiveHalt(switches),
    ownHalt: switchHalt("agent", a),
    halts: haltsCovering(switches),
    createdBy: a.createdBy ?? null,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

export const agentInclude = {
  cohort: { select: { name: true, haltedAt: true, haltReason: true } },
  createdBy: { select: { id: true, email: true, name: true } },
} as const;
