import { z } from "zod";
import { GUARD_METRICS } from "./metrics.ts";

/** A version label: `2026.11.3`, `stylist-v14`. */
export const versionLabel = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:+-]{0,63}$/, "1–64 characters: letters, digits and . _ : + - (starting with a letter or digit)");

/** Configuration documents are free JSON objects of at most 64 KiB serialized. */
export const MAX_CONFIG_BYTES = 64 * 1024;

export const registerVersionSchema = z.strictObject({
  version: versionLabel,
  config: z
    .record(z.string(), z.unknown())
    .refine((v) => Buffer.byteLength(JSON.stringify(v)) <= MAX_CONFIG_BYTES, `config must be at most ${MAX_CONFIG_BYTES / 1024} KiB serialized`),
  notes: z.string().trim().max(2000).optional(),
});
export type RegisterVersionInput = z.infer<typeof registerVersionSchema>;

export const diffQuerySchema = z.object({ from: versionLabel, to: versionLabel });

const guardSchema = z
  .strictObject({
    metric: z.enum(GUARD_METRICS),
    maxRelativeIncrease: z.number().min(0).max(100).optional(),
    maxAbsoluteIncrease: z.number().min(0).max(1).optional(),
  })
  .refine((g) => (g.maxRelativeIncrease === undefined) !== (g.maxAbsoluteIncrease === undefined), {
    message: "give a guard either maxRelativeIncrease or maxAbsoluteIncrease",
  });

export const ROLLOUT_MODES = ["canary", "experiment"] as const;

export const createRolloutSchema = z
  .strictObject({
    candidate: versionLabel,
    baseline: versionLabel.optional(),
    steps: z.array(z.number().int().min(1).max(100)).min(1).max(20).default([5, 25, 50, 100]),
    minSamplesPerStep: z.number().int().min(1).max(10_000_000).default(200),
    stepMinSeconds: z.number().int().min(0).max(30 * 86_400).default(300),
    mode: z.enum(ROLLOUT_MODES).default("canary"),
    alpha: z.number().gt(0).max(0.5).default(0.05),
    guards: z.array(guardSchema).max(GUARD_METRICS.length).default([]),
  })
  .superRefine((r, ctx) => {
    r.steps.forEach((s, i) => {
      if (i > 0 && s <= r.steps[i - 1]!) ctx.addIssue({ code: "custom", path: ["steps", i], message: "steps must be strictly increasing percentages (1–100)" });
    });
    const seen = new Set<string>();
    r.guards.forEach((g, i) => {
      if (seen.has(g.metric)) ctx.addIssue({ code: "custom", path: ["guards", i, "metric"], message: `${g.metric} is guarded twice` });
      seen.add(g.metric);
    });
    if (r.mode === "canary" && r.guards.length === 0) ctx.addIssue({ code: "custom", path: ["guards"], message: "a canary needs at least one guard" });
    if (r.baseline !== undefined && r.baseline === r.candidate) ctx.addIssue({ code: "custom", path: ["baseline"], message: "the baseline must be another version than the candidate" });
  });
export type CreateRolloutInput = z.output<typeof createRolloutSchema>;

/** Body of pause | resume | rollback | promote | end. */
export const rolloutControlSchema = z.strictObject({ reason: z.string().trim().min(1, "say why").max(1000) });

export const releaseQuerySchema = z.object({ key: z.string().min(1, "key: the routing key (a customer, session, order or SKU id)").max(256) });
