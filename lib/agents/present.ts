import { holdMessage, holdsCovering, type BreakerHold } from "../breakers/index.ts";
import { capabilitiesOf, type Capabilities } from "../grants/index.ts";
import { effectiveHalt, haltsCovering, switchHalt, type HaltCover, type HaltScopeKind, type HaltSwitch, type SwitchHalt } from "../killswitch/index.ts";
import type { RiskTierName } from "./schemas.ts";

export type AgentView = {
  id: string;
  name: string;
  description: string;
  cohort: string;
  owner: string;
  riskTier: RiskTierName;
  /** A halt first (lib/killswitch precedence), then an open breaker holding it or its cohort. */
  status: "active" | "halted" | "circuit_open";
  haltReason?: string;
  haltedBy?: HaltScopeKind;
  /** Why a breaker holds it, when status is circuit_open. */
  circuitReason?: string;
  breaker?: { id: string; name: string; state: "open" | "half_open"; holds: "agent" | "cohort" };
  /** Capability grants: null = unrestricted (shown amber), [] = nothing granted. */
  capabilities: Capabilities;
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
  capabilities: unknown;
  createdAt: Date;
  updatedAt: Date;
  cohort: { name: string } & HaltSwitch;
  createdBy?: { id: string; email: string; name: string } | null;
};

/** The display status: a halt (global > cohort > agent), else a breaker that holds it, else active. */
function statusOf(switches: Parameters<typeof effectiveHalt>[0], a: AgentRow, holds: BreakerHold[]) {
  const halt = effectiveHalt(switches);
  if (halt.status === "halted") return halt;
  const h = holdsCovering(holds, { agentId: a.id, cohort: a.cohort.name })[0];
  if (!h) return halt;
  return { status: "circuit_open" as const, circuitReason: holdMessage(h), breaker: { id: h.breakerId, name: h.name, state: h.state, holds: h.holds.kind } };
}

/**
 * An agent as the API shows it: `status`/`haltedBy`/`haltReason` are the effective halt (the
 * precedence of lib/killswitch), else the breakers holding it (`holds`: lib/breakers
 * breakerHolds); `ownHalt` is the agent's own switch, `halts` every halt covering it.
 */
export function presentAgent(a: AgentRow, global: HaltSwitch | null, holds: BreakerHold[] = []): AgentView {
  const switches = { global, cohort: a.cohort, agent: a };
  return {
    id: a.id,
    name: a.name,
    description: a.description,
    cohort: a.cohort.name,
    owner: a.owner,
    riskTier: a.riskTier.toLowerCase() as RiskTierName,
    ...statusOf(switches, a, holds),
    capabilities: capabilitiesOf(a.capabilities),
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
