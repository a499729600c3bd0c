/**
 * What is counted per scope and bucket. A decision counts once in `decisions` and once in its
 * outcome — except decisions Warden's own containment stopped (a halt or an open breaker),
 * which count only in `stopped`: they say what Warden did, not how the agent behaves, and
 * counting them would keep a breaker open on its own denials.
 */
export const COUNTERS = [
  "decisions", // decided by grants, budgets and policies (not stopped)
  "allowed",
  "denied", // by grants, budgets or policies
  "escalated", // sent to a human (pending)
  "stopped", // denied by a halt or an open breaker
  "approved", // escalations approved (when settled)
  "rejected", // escalations rejected by a person's vote (not by a halt or breaker)
  "expired", // escalations that timed out
  "results", // results reported
  "failed", // results reported as failed
  "flagged", // results a post-stage policy flagged
  "pii", // decisions whose request had PII redacted (rollout guards' pii_per_action)
] as const;
export type Counter = (typeof COUNTERS)[number];
export type Counters = Record<Counter, number>;

export function zeroCounters(): Counters {
  return Object.fromEntries(COUNTERS.map((c) => [c, 0])) as Counters;
}

/** What a counter row is about: an agent (optionally one of its versions) or a cohort. */
export type ScopeRef = { kind: "agent" | "cohort"; id: string; version?: string | null };

/** A stable string key for a scope (maps, dedup). */
export function scopeKey(s: ScopeRef): string {
  return `${s.kind}:${s.id}@${s.version ?? ""}`;
}

/** The database enum value of a scope kind. */
export const dbScopeKind = (k: ScopeRef["kind"]): "AGENT" | "COHORT" => (k === "agent" ? "AGENT" : "COHORT");
