import { z } from "zod";
import { isRateMetric, METRICS } from "../signals/index.ts";

const cohortName = z.string().trim().min(2).max(48).regex(/^[a-z0-9][a-z0-9_-]*$/, "a cohort name");
const agentId = z.string().trim().min(4).max(64).regex(/^agt_[a-z0-9]+$/, "an agent id (agt_…)");

export const MAX_BREAKER_WINDOW = 86_400;

export const breakerRecoverySchema = z.union(
  [
    z.strictObject({ mode: z.literal("manual") }),
    z.strictObject({
      mode: z.literal("half_open"),
      // At least one signal bucket, so the probes never share a bucket with the spike that opened it.
      cooldownSeconds: z.number().int("whole seconds").min(10, "at least 10 seconds").max(7 * 86_400),
      probes: z.number().int().min(1, "at least one probe").max(1000),
    }),
  ],
  { error: 'recovery is {"mode": "manual"} or {"mode": "half_open", "cooldownSeconds": N, "probes": N}' },
);

/**
 * A breaker as POST /api/breakers and PUT /api/breakers/{id} take it (API.md "Containment").
 * Rates (deny, escalation, rejection, flag, failure) have thresholds in [0, 1); counts
 * (`action_rate`: actions in the window; `distinct_resources`) a threshold ≥ 0. It opens when
 * the value is above the threshold with at least `minSamples` samples. A cohort-wide metric
 * opens its cohort; an agent's metric opens the agent or its whole cohort.
 */
export const breakerSpecSchema = z
  .strictObject({
    name: z.string().trim().min(2).max(80).regex(/^[a-z0-9][a-z0-9._-]*$/, "lowercase letters, digits, '.', '_' and '-'"),
    description: z.string().trim().max(2000).default(""),
    scope: z.union([z.strictObject({ cohort: cohortName }), z.strictObject({ agent: agentId })], { error: 'scope is {"cohort": "<name>"} or {"agent": "agt_…"}' }),
    metric: z.enum(METRICS, { error: `metric is one of ${METRICS.join(", ")}` }),
    windowSeconds: z.number().int("whole seconds").min(10, "the window must be at least 10 seconds (one signal bucket)").max(MAX_BREAKER_WINDOW, "at most 86,400 seconds (a day)"),
    threshold: z.number().min(0, "the threshold can't be negative").max(1e9),
    minSamples: z.number().int().min(1).max(1_000_000).default(20),
    opens: z.enum(["agent", "cohort"]).optional(),
    recovery: breakerRecoverySchema.default({ mode: "manual" }),
    openOnAnomaly: z.boolean().default(false),
  })
  .superRefine((b, ctx) => {
    if (isRateMetric(b.metric) && b.threshold >= 1) ctx.addIssue({ code: "custom", path: ["threshold"], message: `${b.metric} is a rate: the threshold is a share between 0 and 1 (0.2 = 20 %), below 1` });
    if (!isRateMetric(b.metric) && !Number.isInteger(b.threshold)) ctx.addIssue({ code: "custom", path: ["threshold"], message: `${b.metric} is a count: the threshold is a whole number` });
    if ("cohort" in b.scope && b.opens === "agent") ctx.addIssue({ code: "custom", path: ["opens"], message: "a cohort-wide metric opens the cohort; give each agent its own breaker to contain agents one by one" });
  })
  .transform((b) => ({ ...b, opens: b.opens ?? ("agent" in b.scope ? ("agent" as const) : ("cohort" as const)) }));

export type BreakerSpec = z.output<typeof breakerSpecSchema>;

/** PUT takes what GET returned: the read-only fields are ignored, anything else unknown is refused. */
const READ_ONLY = ["id", "version", "createdAt", "updatedAt", "state", "value", "samples", "openedAt", "holds", "openedBecause", "halfOpenAt", "probesAdmitted", "closedAt", "samplesSince", "scopeName", "series"];
export const breakerUpdateSchema = z.preprocess(
  (v) => (v && typeof v === "object" && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).filter(([k]) => !READ_ONLY.includes(k))) : v),
  breakerSpecSchema,
);

export const resetSchema = z.strictObject({ reason: z.string().trim().min(3, "say why (at least 3 characters)").max(500) });

/** `GET /api/breakers` query: `?agent=` (an agent id) or `?cohort=` narrows the list. */
export const breakerFilterSchema = z.object({ agent: z.string().max(64).optional(), cohort: z.string().max(48).optional() });

/** `GET /api/breakers/{id}/series` query: how many 10-second buckets (1–360, default 30). */
export const breakerSeriesQuerySchema = z.object({ points: z.coerce.number().int().min(1).max(360).default(30) });
