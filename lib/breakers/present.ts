import type { Breaker } from "../db/index.ts";
import { bucketStart, METRIC_LABELS, isRateMetric, type Metric } from "../signals/index.ts";
import type { BreakerSpec } from "./schema.ts";

export type BreakerStateName = "closed" | "open" | "half_open";
export type Held = { kind: "agent" | "cohort"; id: string; name: string };

/** Why a breaker opened, as recorded when it did. */
export type OpenedBecause = { cause: "metric" | "probes" | "anomaly"; metric: string; value: number; threshold: number; samples: number; windowSeconds: number; message: string };

/** A breaker as the API shows it (GET /api/breakers): its spec, its state and the metric's value now. */
export type BreakerView = BreakerSpec & {
  id: string;
  scopeName: string;
  state: BreakerStateName;
  /** The metric over its window now (since its last close); null before it was ever computed. */
  value: number | null;
  samples: number | null;
  openedAt: string | null;
  holds: Held | null;
  openedBecause: OpenedBecause | null;
  halfOpenAt: string | null;
  probesAdmitted: number;
  closedAt: string | null;
  samplesSince: string;
  version: number;
  createdAt: string;
  updatedAt: string;
};

export const stateName = (s: Breaker["state"]): BreakerStateName => s.toLowerCase() as BreakerStateName;

export function specOf(b: Breaker): BreakerSpec {
  return {
    name: b.name,
    description: b.description,
    scope: b.scopeKind === "AGENT" ? { agent: b.scopeValue } : { cohort: b.scopeValue },
    metric: b.metric as Metric,
    windowSeconds: b.windowSeconds,
    threshold: b.threshold,
    minSamples: b.minSamples,
    opens: b.opens === "AGENT" ? "agent" : "cohort",
    recovery: b.recoveryMode === "half_open" ? { mode: "half_open", cooldownSeconds: b.cooldownSeconds ?? 60, probes: b.probes ?? 1 } : { mode: "manual" },
    openOnAnomaly: b.openOnAnomaly,
  };
}

export function presentBreaker(b: Breaker, names: { scope: string; held: string | null }, live?: { value: number; samples: number }): BreakerView {
  return {
    id: b.id,
    ...specOf(b),
    scopeName: names.scope,
    state: stateName(b.state),
    value: live?.value ?? b.value,
    samples: live?.samples ?? b.samples,
    openedAt: b.state === "CLOSED" ? null : (b.openedAt?.toISOString() ?? null),
    holds: b.heldKind && b.heldValue ? { kind: b.heldKind === "AGENT" ? "agent" : "cohort", id: b.heldValue, name: names.held ?? b.heldValue } : null,
    openedBecause: (b.openedBecause as OpenedBecause | null) ?? null,
    halfOpenAt: b.halfOpenAt?.toISOString() ?? null,
    probesAdmitted: b.probesAdmitted,
    closedAt: b.closedAt?.toISOString() ?? null,
    samplesSince: b.samplesSince.toISOString(),
    version: b.version,
    createdAt: b.createdAt.toISOString(),
    updatedAt: b.updatedAt.toISOString(),
  };
}

/** "31 %" for rates, "1,240" for counts. */
export function formatMetric(metric: Metric, value: number): string {
  return isRateMetric(metric) ? `${(value * 100).toLocaleString("en", { maximumFractionDigits: 1 })} %` : value.toLocaleString("en");
}

function windowWords(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`;
  if (seconds % 60 === 0) return `${seconds / 60} min`;
  return `${seconds} s`;
}

/** "deny rate 31 % over the last 5 min (42 samples), above its threshold of 20 %". */
export function crossingMessage(metric: Metric, value: number, threshold: number, samples: number, windowSeconds: number): string {
  return `${METRIC_LABELS[metric]} ${formatMetric(metric, value)} over the last ${windowWords(windowSeconds)} (${samples.toLocaleString("en")} samples), above its threshold of ${formatMetric(metric, threshold)}`;
}

/** When samples start counting again after a close: its bucket, and never the opening's bucket. */
export function samplesSinceAfter(closedAt: Date, openedAt: Date | null): Date {
  const a = bucketStart(closedAt).getTime();
  const b = openedAt ? bucketStart(openedAt).getTime() + 10_000 : 0;
  return new Date(Math.max(a, b));
}
