import { z } from "zod";
import { METRICS } from "../signals/index.ts";

/** `OpenedBecause` (present.ts) as a schema: why a breaker opened, as recorded when it did. */
export const openedBecauseSchema = z.object({
  cause: z.enum(["metric", "probes", "anomaly"]),
  metric: z.string(),
  value: z.number(),
  threshold: z.number(),
  samples: z.number().int(),
  windowSeconds: z.number().int(),
  message: z.string(),
});

/** `BreakerView` (present.ts) as a schema: a breaker's spec, its state and the metric's value now. */
export const breakerViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  scope: z.union([z.object({ cohort: z.string() }), z.object({ agent: z.string() })]),
  metric: z.enum(METRICS),
  windowSeconds: z.number().int(),
  threshold: z.number().describe("Rates: a share in [0, 1); counts: a whole number"),
  minSamples: z.number().int(),
  opens: z.enum(["agent", "cohort"]).describe("What it holds when it opens"),
  recovery: z.union([z.object({ mode: z.literal("manual") }), z.object({ mode: z.literal("half_open"), cooldownSeconds: z.number().int(), probes: z.number().int() })]),
  openOnAnomaly: z.boolean(),
  scopeName: z.string().describe("The agent's name for an agent scope, the cohort otherwise"),
  state: z.enum(["closed", "open", "half_open"]),
  value: z.number().nullable().describe("The metric over its window now (since its last close); null before it was ever computed"),
  samples: z.number().int().nullable(),
  openedAt: z.iso.datetime().nullable(),
  holds: z.object({ kind: z.enum(["agent", "cohort"]), id: z.string(), name: z.string() }).nullable().describe("What it holds while open or half-open"),
  openedBecause: openedBecauseSchema.nullable(),
  halfOpenAt: z.iso.datetime().nullable(),
  probesAdmitted: z.number().int(),
  closedAt: z.iso.datetime().nullable(),
  samplesSince: z.iso.datetime().describe("Samples count from here (its last close)"),
  version: z.number().int(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

/** `GET /api/breakers`: open ones first. */
export const breakerListAnswerSchema = z.array(breakerViewSchema);

/** `GET /api/breakers/{id}/series` */
export const breakerSeriesAnswerSchema = z.object({ points: z.array(z.object({ at: z.iso.datetime(), value: z.number(), samples: z.number().int() })) });

/** `DELETE /api/breakers/{id}` */
export const deletedBreakerAnswerSchema = z.object({ id: z.string(), deleted: z.literal(true) });
