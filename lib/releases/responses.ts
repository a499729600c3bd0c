import { z } from "zod";
import { GUARD_METRICS } from "./metrics.ts";
import { ROLLOUT_MODES } from "./schemas.ts";

/** `VersionView` (versions.ts) as a schema: an immutable version of an agent's configuration. */
export const versionViewSchema = z.object({
  version: z.string(),
  config: z.record(z.string(), z.unknown()),
  notes: z.string(),
  createdAt: z.iso.datetime(),
  createdBy: z.string().describe("Who registered it (email)"),
  current: z.boolean().describe("The version the agent runs outside a rollout"),
});

/** `POST /api/agents/{id}/versions` (201 registered, 200 the same label and config again). */
export const versionAnswerSchema = z.object({ version: versionViewSchema });

/** `GET /api/agents/{id}/versions`: newest first. */
export const versionListAnswerSchema = z.array(versionViewSchema);

const versionMetaSchema = versionViewSchema.omit({ config: true });

/** `VersionDiff` (versions.ts) as a schema. */
export const versionDiffAnswerSchema = z.object({
  from: versionMetaSchema,
  to: versionMetaSchema,
  changes: z.array(z.object({ path: z.string().describe('JSON path, e.g. "tone.style" or "limits[2]"'), kind: z.enum(["added", "removed", "changed"]), from: z.unknown().optional(), to: z.unknown().optional() })),
});

const rate = z.object({ rate: z.number(), n: z.number().int() });

/** `GuardResult` (evaluate.ts) as a schema: one guard (or reported metric) at one evaluation. */
export const guardResultSchema = z.object({
  metric: z.enum(GUARD_METRICS),
  candidate: rate,
  baseline: rate,
  interval: z.tuple([z.number(), z.number()]).nullable().describe("Always-valid confidence interval of the guarded difference; null until both sides have enough trials"),
  estimate: z.number(),
  verdict: z.enum(["ok", "regressed", "insufficient"]),
  alpha: z.number().describe("The error this comparison may spend (α split over guards and steps)"),
  rule: z.string().describe("The decision rule in words"),
  guard: z.boolean().describe("One of the rollout's guards (false: a metric an experiment only reports)"),
  maxRelativeIncrease: z.number().optional(),
  maxAbsoluteIncrease: z.number().optional(),
});

/** `RolloutView` (rollouts.ts) as a schema. */
export const rolloutViewSchema = z.object({
  id: z.string(),
  agentId: z.string(),
  candidate: z.string(),
  baseline: z.string(),
  mode: z.enum(ROLLOUT_MODES),
  status: z.enum(["running", "paused", "rolled_back", "completed", "ended"]),
  steps: z.array(z.number().int()),
  step: z.number().int().describe("The current step, 1-based (steps[step − 1] is the share)"),
  share: z.number().describe("The candidate's share of traffic now (percent)"),
  shares: z.record(z.string(), z.number()).describe("Each version's share of traffic now (percent)"),
  minSamplesPerStep: z.number().int(),
  stepMinSeconds: z.number().int(),
  alpha: z.number(),
  guards: z.array(guardResultSchema),
  metrics: z.array(guardResultSchema).describe("Experiments: every metric per version (guards included)"),
  samples: z.object({ candidate: z.number().int(), baseline: z.number().int() }).describe("Decisions in the current step"),
  stepStartedAt: z.iso.datetime(),
  evaluatedAt: z.iso.datetime().nullable(),
  decision: z.string().nullable().describe("What the guard job concluded last"),
  endedReason: z.string().nullable(),
  endedAt: z.iso.datetime().nullable(),
  endedBy: z.string().nullable(),
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
});

/** `POST /api/agents/{id}/rollouts` (201) */
export const rolloutAnswerSchema = z.object({ rollout: rolloutViewSchema });
/** `GET /api/agents/{id}/rollouts`: newest first. */
export const rolloutListAnswerSchema = z.object({ rollouts: z.array(rolloutViewSchema) });
/** `GET /api/rollouts/{id}/points`: the guard job's evaluations, oldest first. */
export const rolloutPointsAnswerSchema = z.object({ points: z.array(z.object({ at: z.iso.datetime(), step: z.number().int(), guards: z.array(guardResultSchema) })) });

/** `ReleaseAnswer.body` (release-for-key.ts) as a schema: `GET /v1/agent/release`. */
export const releaseAnswerSchema = z.object({
  version: z.string().nullable().describe("The version this routing key runs; null before any is registered"),
  config: z.record(z.string(), z.unknown()).nullable(),
  rollout: z.string().nullable().describe("The rollout deciding it, if one is running or paused"),
  step: z.number().int().nullable(),
  share: z.number().nullable().describe("The candidate's share (percent) at this step"),
});
