import type { Reason } from "../actions/index.ts";

/**
 * The one definition of halt state: what a halt covers, which one wins, the reason codes and
 * messages, the lock that makes a halt exact, and the SQL fragment displays use. Enforcement
 * (the group commit), the agent and cohort views, `/v1/agent` and the overview all read it
 * from here, so they can't disagree.
 *
 * Precedence: global > cohort > agent. Enforcement denies with every halt that covers the
 * action, in that order; displays show the first.
 */

/**
 * Decisions hold this advisory lock in shared mode for their whole transaction; a halt
 * takes it exclusively. So a halt commits only after every decision already in flight has
 * committed, and every later decision reads the halt: once the halt call answers, nothing it
 * covers is allowed, on any instance.
 */
export const HALT_LOCK = 72707370;

export type HaltScopeKind = "global" | "cohort" | "agent";

/** One switch's state as stored (agents, cohorts and control_state rows). */
export type HaltSwitch = { haltedAt: Date | null; haltReason: string | null };

/** The reason code each switch denies with (API.md). */
export const HALT_REASON_CODE = { global: "global_halt", cohort: "cohort_halted", agent: "agent_halted" } as const satisfies Record<HaltScopeKind, Reason["code"]>;

/** A halt that covers an agent, as a decision reason. */
export type HaltCover = Reason & { scope: HaltScopeKind };

function message(kind: HaltScopeKind, cohort: string, reason: string | null): string {
  const why = (reason ?? "").trim();
  const head = kind === "global" ? "Everything is halted" : kind === "cohort" ? `Cohort ${cohort} is halted` : "This agent is halted";
  return why ? `${head}: ${why}` : head;
}

/**
 * Every halt that covers an agent, strongest first (global, cohort, agent). Empty: it may act.
 * Enforcement denies with all of them; displays show the first.
 */
export function haltsCovering(s: { global: HaltSwitch | null; cohort: HaltSwitch & { name: string }; agent: HaltSwitch }): HaltCover[] {
  const out: HaltCover[] = [];
  if (s.global?.haltedAt) out.push({ scope: "global", code: HALT_REASON_CODE.global, message: message("global", s.cohort.name, s.global.haltReason) });
  if (s.cohort.haltedAt) out.push({ scope: "cohort", code: HALT_REASON_CODE.cohort, message: message("cohort", s.cohort.name, s.cohort.haltReason) });
  if (s.agent.haltedAt) out.push({ scope: "agent", code: HALT_REASON_CODE.agent, message: message("agent", s.cohort.name, s.agent.haltReason) });
  return out;
}

/** What displays show for an agent: `halted` by the strongest switch, with its reason. */
export type EffectiveHalt = { status: "active" } | { status: "halted"; haltedBy: HaltScopeKind; haltReason: string };

const UNNAMED: Record<HaltScopeKind, string> = { global: "global halt", cohort: "cohort halted", agent: "agent halted" };

export function effectiveHalt(s: Parameters<typeof haltsCovering>[0]): EffectiveHalt {
  const first = haltsCovering(s)[0];
  if (!first) return { status: "active" };
  const own = first.scope === "global" ? s.global : first.scope === "cohort" ? s.cohort : s.agent;
  return { status: "halted", haltedBy: first.scope, haltReason: own?.haltReason?.trim() || UNNAMED[first.scope] };
}

/** One switch on its own, whatever covers it from above: `haltedAt` is an ISO 8601 UTC timestamp. */
export type SwitchHalt = { status: "active" } | { status: "halted"; haltReason: string; haltedAt: string };

/**
 * The state of one switch by itself (e.g. an agent's own switch while its cohort is halted,
 * so it can be seen and flipped on its own). Precedence between switches is `effectiveHalt`'s.
 */
export function switchHalt(kind: HaltScopeKind, s: HaltSwitch): SwitchHalt {
  if (!s.haltedAt) return { status: "active" };
  return { status: "halted", haltReason: s.haltReason?.trim() || UNNAMED[kind], haltedAt: s.haltedAt.toISOString() };
}

/**
 * SQL that is true when an agent is halted by any switch, for lists and counts. `agent` and
 * `cohort` are the aliases of the agents and cohorts rows in the query (omit `agent` for "is
 * this cohort halted", which the global switch also answers).
 */
export function haltedSql({ agent, cohort }: { agent?: string; cohort: string }): string {
  const own = agent ? ` OR ${agent}.halted_at IS NOT NULL` : "";
  return `(EXISTS (SELECT 1 FROM control_state WHERE id = 1 AND halted_at IS NOT NULL) OR ${cohort}.halted_at IS NOT NULL${own})`;
}
