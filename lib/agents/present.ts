import { effectiveHalt, type HaltScopeKind, type HaltSwitch } from "../killswitch/index.ts";
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

/** An agent as the API shows it; its status follows the halt precedence of lib/killswitch. */
export function presentAgent(a: AgentRow, global: HaltSwitch | null): AgentView {
  return {
    id: a.id,
    name: a.name,
    description: a.description,
    cohort: a.cohort.name,
    owner: a.owner,
    riskTier: a.riskTier.toLowerCase() as RiskTierName,
    ...effectiveHalt({ global, cohort: a.cohort, agent: a }),
    createdBy: a.createdBy ?? null,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}

export const agentInclude = {
  cohort: { select: { name: true, haltedAt: true, haltReason: true } },
  createdBy: { select: { id: true, email: true, name: true } },
} as const;
