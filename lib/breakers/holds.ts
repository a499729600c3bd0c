import { pool } from "../db/index.ts";
import type { OpenedBecause } from "./present.ts";

/** A breaker that currently holds an agent or a cohort (open or half-open). */
export type BreakerHold = {
  breakerId: string;
  name: string;
  state: "open" | "half_open";
  holds: { kind: "agent" | "cohort"; id: string };
  openedAt: string;
  message: string;
};

/**
 * Every breaker holding something now, most recent first — the display side of the rule the
 * decision path enforces (gate.ts): an agent is held when a breaker holds it or its cohort.
 * Precedence for displays: a halt (lib/killswitch) first, then a breaker (`circuit_open`).
 */
export async function breakerHolds(): Promise<BreakerHold[]> {
  const { rows } = await pool().query<{ id: string; name: string; state: "OPEN" | "HALF_OPEN"; held_kind: "AGENT" | "COHORT"; held_value: string; opened_at: Date; opened_because: OpenedBecause | null }>(
    `SELECT id, name, state, held_kind, held_value, opened_at, opened_because FROM breakers WHERE state <> 'CLOSED' AND held_value IS NOT NULL ORDER BY opened_at DESC`,
  );
  return rows.map((r) => ({
    breakerId: r.id,
    name: r.name,
    state: r.state === "OPEN" ? "open" : "half_open",
    holds: { kind: r.held_kind === "AGENT" ? "agent" : "cohort", id: r.held_value },
    openedAt: r.opened_at.toISOString(),
    message: r.opened_because?.message ?? "",
  }));
}

/** The holds that cover this agent (or, without `agentId`, this cohort). */
export function holdsCovering(holds: BreakerHold[], s: { agentId?: string; cohort: string }): BreakerHold[] {
  return holds.filter((h) => (h.holds.kind === "cohort" ? h.holds.id === s.cohort : s.agentId !== undefined && h.holds.id === s.agentId));
}

/** "Circuit open: breaker pricing-deny-spike — deny rate 31 % …" for displays and /v1/agent. */
export function holdMessage(h: BreakerHold): string {
  return `${h.state === "half_open" ? "Circuit half-open" : "Circuit open"}: breaker ${h.name}${h.message ? ` — ${h.message}` : ""}`;
}
