import type { Counters } from "./counters.ts";

/**
 * Metrics over a window's counters: the one definition breakers, rollout guards and the
 * dashboard share. Rates are in [0, 1]; `samples` is what the rate is a share of (breakers
 * compare it with their minimum). Counts (`action_rate`, `distinct_resources`) are numbers of
 * actions or resources in the window, and their samples are the decisions.
 */
export const METRICS = ["deny_rate", "escalation_rate", "rejection_rate", "flag_rate", "failure_rate", "action_rate", "distinct_resources"] as const;
export type Metric = (typeof METRICS)[number];

export const RATE_METRICS: readonly Metric[] = ["deny_rate", "escalation_rate", "rejection_rate", "flag_rate", "failure_rate"];

export const METRIC_LABELS: Record<Metric, string> = {
  deny_rate: "deny rate",
  escalation_rate: "escalation rate",
  rejection_rate: "rejection rate",
  flag_rate: "post-check flag rate",
  failure_rate: "failure rate",
  action_rate: "actions",
  distinct_resources: "distinct resources",
};

export function isRateMetric(m: Metric): boolean {
  return RATE_METRICS.includes(m);
}

const share = (n: number, of: number) => (of > 0 ? n / of : 0);

/**
 * The metric's value and its sample count from a window's counters (and its distinct
 * resources, for `distinct_resources`).
 *
 * - deny_rate = denied / decisions; escalation_rate = escalated / decisions
 * - rejection_rate = rejected / (approved + rejected): people's verdicts on escalations
 * - flag_rate = flagged / results; failure_rate = failed / results
 * - action_rate = decisions; distinct_resources = distinct resources touched
 */
export function metricValue(metric: Metric, c: Counters & { distinctResources?: number | null }): { value: number; samples: number } {
  switch (metric) {
    case "deny_rate":
      return { value: share(c.denied, c.decisions), samples: c.decisions };
    case "escalation_rate":
      return { value: share(c.escalated, c.decisions), samples: c.decisions };
    case "rejection_rate":
      return { value: share(c.rejected, c.approved + c.rejected), samples: c.approved + c.rejected };
    case "flag_rate":
      return { value: share(c.flagged, c.results), samples: c.results };
    case "failure_rate":
      return { value: share(c.failed, c.results), samples: c.results };
    case "action_rate":
      return { value: c.decisions, samples: c.decisions };
    case "distinct_resources":
      return { value: c.distinctResources ?? 0, samples: c.decisions };
  }
}
