/**
 * Releases: versioned agent configurations, canary rollouts and experiments that roll back on
 * governance signals by themselves.
 *
 * - versions.ts — immutable versions (label + PII-redacted config ≤ 64 KiB), list, diff;
 * - assign.ts / release-for-key.ts / release-cache.ts — which version a routing key runs:
 *   SHA-256 of rollout id + step + key (no per-key table), cached per instance and dropped by
 *   NOTIFY; `assertKnownVersion` for `version` on POST /v1/actions;
 * - sequential-test.ts — the always-valid confidence sequence guards use (Howard et al. 2021);
 * - metrics.ts / evaluate.ts — guard metrics from lib/signals' counters, verdicts, step decisions;
 * - rollouts.ts / controls.ts / transitions.ts — create, read, operators' controls, and the
 *   one writer of rollout state (audit + webhook + NOTIFY in the same transaction);
 * - guard-job.ts — the job that evaluates guards and rolls back or promotes.
 */
export { registerVersion, listVersions, diffVersions, configHash, type VersionView, type VersionDiff, type ConfigChange } from "./versions.ts";
export { assignmentBucket, isCandidate, BUCKETS } from "./assign.ts";
export { releaseForKey, assertKnownVersion, type ReleaseAnswer } from "./release-for-key.ts";
export { releaseCache } from "./release-cache.ts";
export { compareProportions, mixtureBoundary, bestRho, alphaForStep, MIN_TRIALS, MIN_EVENTS, type Proportion, type Tolerance, type SequentialResult } from "./sequential-test.ts";
export { GUARD_METRICS, GUARD_METRIC_LABELS, proportionOf, type GuardMetric, type VersionCounters } from "./metrics.ts";
export { evaluateGuards, decideStep, ruleOf, type GuardSpec, type GuardResult, type Verdict, type StepDecision } from "./evaluate.ts";
export { createRollout, getRollout, listRollouts, rolloutPoints, presentRollout, type RolloutView } from "./rollouts.ts";
export { controlRollout, promotion, CONTROLS, type Control } from "./controls.ts";
export { evaluateRollouts, EVALUATE_EVERY_MS, type EvaluationOutcome } from "./guard-job.ts";
export { registerVersionSchema, createRolloutSchema, rolloutControlSchema, releaseQuerySchema, diffQuerySchema, versionLabel, MAX_CONFIG_BYTES, ROLLOUT_MODES, type RegisterVersionInput, type CreateRolloutInput } from "./schemas.ts";
export type { Rollout, RolloutStatus, RolloutMode } from "./rollout-row.ts";
export { releasesApi } from "./openapi.ts";
export { releaseAnswerSchema, rolloutViewSchema, versionViewSchema } from "./responses.ts";
