import type { RiskTierName } from "./schemas.ts";

export type HaltState = { haltedAt: Date | null; haltReason: string | null };

export type AgentView = {
  id: string;
  name: string;
  description: string;
  cohort: string;
  owner: string;
  riskTier: RiskTierName;
  status: "active" | "halted";
  haltReason?: string;
  haltedBy?: "agent" | "cohort" | "global";
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
  cohort: { name: string } & HaltState;
  createdBy?: { id: string; email: string; name: string } | null;
};

/** Effective status: the agent itself, its cohort, or the global switch can halt it. */
export function effectiveHalt(agent: HaltState, cohort: HaltState, global: HaltState | null): Pick<AgentView, "status" | "haltReason" | "haltedBy"> {
  if (global?.haltedAt) return { status: "halted", haltedBy: "global", haltReason: global.haltReason ?? "global halt" };
  if (cohort.haltedAt) return { status: "halted", haltedBy: "cohort", haltReason: cohort.haltReason ?? "cohort halted" };
  if (agent.haltedAt) return { status: "halted", haltedBy: "agent", haltReason: agent.haltReason ?? "agent halted" };
  return { status: "active" };
}

export function presentAgent(a: AgentRow, global: HaltState | null): AgentView {
  return {
    id: a.id,
    name: a.name,
    description: a.description,
    cohort: a.cohort.name,
    owner: a.owner,
    riskTier: a.riskTier.toLowerCase() as RiskTierName,
    ...effectiveHalt(a, a.cohort, global),
    createdBy: a.createdBy ?? null,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

export const agentInclude = {
  cohort: { select: { name: true, haltedAt: true, haltReason: true } },
  createdBy: { select: { id: true, email: true, name: true } },
} as const;
