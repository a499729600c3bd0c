import pg from "pg";
import { prepared } from "../db/index.ts";
import type { Reason } from "../actions/index.ts";
import type { OpenedBecause } from "./present.ts";

type HoldingRow = { id: string; name: string; state: "OPEN" | "HALF_OPEN"; held_kind: "AGENT" | "COHORT" | null; held_value: string | null; opened_because: OpenedBecause | null; probes: number | null };
type ProbeRow = { id: string; probes_admitted: number; probes: number | null };

/**
 * The decision transaction's first-round-trip statements (run under the shared HALT_LOCK):
 * every breaker that isn't closed, then — locked, in id order — the half-open ones that still
 * have probes to let through, so the probes are counted exactly across instances. Opening a
 * breaker takes HALT_LOCK exclusively (transitions.ts): a decision either commits before the
 * opening or reads it here.
 */
export function breakerGateSql(): pg.QueryConfig[] {
  return [
    prepared(`SELECT id, name, state, held_kind, held_value, opened_because, probes FROM breakers WHERE state <> 'CLOSED'`),
    prepared(`SELECT id, probes_admitted, probes FROM breakers WHERE state = 'HALF_OPEN' AND probes_admitted < coalesce(probes, 0) ORDER BY id FOR UPDATE`),
  ];
}

function holdWords(r: HoldingRow): string {
  return r.held_kind === "COHORT" ? `cohort ${r.held_value}` : "this agent";
}

/** The reason an action a breaker holds is denied with (`circuit_open`). */
export function circuitReason(r: { id: string; name: string; state: "OPEN" | "HALF_OPEN"; held_kind: "AGENT" | "COHORT" | null; held_value: string | null; opened_because: OpenedBecause | null }): Reason {
  const why = r.opened_because?.message ? ` — ${r.opened_because.message}` : "";
  const head = r.state === "HALF_OPEN" ? `Circuit half-open: breaker ${r.name} holds ${holdWords(r as HoldingRow)} while its probe actions are judged` : `Circuit open: breaker ${r.name} holds ${holdWords(r as HoldingRow)}`;
  return { code: "circuit_open", message: `${head}${why}`, breaker: { id: r.id, name: r.name } };
}

/**
 * A batch's view of the breakers: for each action (in arrival order), whether a breaker holds
 * its agent or cohort — then it is denied with `circuit_open` — or whether it goes through as
 * one of a half-open breaker's probes (counted, so no more than `probes` ever pass).
 */
export class BreakerGate {
  private holding: HoldingRow[];
  private remaining = new Map<string, number>();
  private admitted = new Map<string, string[]>();

  constructor(holding: HoldingRow[], probes: ProbeRow[]) {
    this.holding = holding.filter((h) => h.held_kind && h.held_value);
    for (const p of probes) this.remaining.set(p.id, Math.max(0, (p.probes ?? 0) - p.probes_admitted));
  }

  /** The circuit_open reason for this action, or null when nothing holds it (a probe is then counted). */
  check(actionId: string, agentId: string, cohort: string): Reason | null {
    const covering = this.holding.filter((h) => (h.held_kind === "AGENT" ? h.held_value === agentId : h.held_value === cohort));
    if (covering.length === 0) return null;
    const blocking = covering.find((h) => h.state === "OPEN" || (this.remaining.get(h.id) ?? 0) <= 0);
    if (blocking) return circuitReason(blocking);
    for (const h of covering) {
      this.remaining.set(h.id, this.remaining.get(h.id)! - 1);
      this.admitted.set(h.id, [...(this.admitted.get(h.id) ?? []), actionId]);
    }
    return null;
  }

  /** The last round trip's statement counting the probes that were really inserted. */
  finishSql(inserted: Set<string>): string[] {
    const counts = [...this.admitted.entries()].map(([id, ids]) => [id, ids.filter((a) => inserted.has(a)).length] as const).filter(([, n]) => n > 0);
    if (counts.length === 0) return [];
    return [`UPDATE breakers b SET probes_admitted = b.probes_admitted + v.n FROM (VALUES ${counts.map(([id, n]) => `(${pg.escapeLiteral(id)}, ${n})`).join(", ")}) AS v(id, n) WHERE b.id = v.id`];
  }
}
