import type { Counters } from "../signals/index.ts";
import type { Proportion } from "./sequential-test.ts";

/** The governance signals a rollout guard can compare (contract names). */
export const GUARD_METRICS = ["deny_rate", "escalation_rate", "rejection_rate", "flag_rate", "failure_rate", "pii_per_action", "breaker_trips"] as const;
export type GuardMetric = (typeof GUARD_METRICS)[number];

export const GUARD_METRIC_LABELS: Record<GuardMetric, string> = {
  deny_rate: "deny rate",
  escalation_rate: "escalation rate",
  rejection_rate: "human rejection rate",
  flag_rate: "post-check flag rate",
  failure_rate: "failure rate",
  pii_per_action: "PII per action",
  breaker_trips: "breaker trips",
};

/** A version's counters over a step, as lib/signals counts them (plus `pii`, decisions whose request carried PII). */
export type VersionCounters = Counters & { pii: number };

/**
 * Each metric as a proportion (events of trials) from one version's windowed counters — the
 * definitions lib/signals' `metricValue` uses for the rates breakers share:
 *
 * - deny_rate = denied / decisions; escalation_rate = escalated / decisions
 * - rejection_rate = rejected / (approved + rejected): people's verdicts on escalations
 * - flag_rate = flagged / results; failure_rate = failed / results
 * - pii_per_action = decisions whose request had PII redacted / decisions
 * - breaker_trips = requests an open breaker (or a halt) stopped / (decisions + stopped)
 */
export function proportionOf(metric: GuardMetric, c: VersionCounters): Proportion {
  switch (metric) {
    case "deny_rate":
      return { x: c.denied, n: c.decisions };
    case "escalation_rate":
      return { x: c.escalated, n: c.decisions };
    case "rejection_rate":
      return { x: c.rejected, n: c.approved + c.rejected };
    case "flag_rate":
      return { x: c.flagged, n: c.results };
    case "failure_rate":
      return { x: c.failed, n: c.results };
    case "pii_per_action":
      return { x: Math.min(c.pii, c.decisions), n: c.decisions };
    case "breaker_trips":
      return { x: c.stopped, n: c.decisions + c.stopped };
  }
}
