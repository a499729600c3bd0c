import { GUARD_METRICS, proportionOf, type GuardMetric, type VersionCounters } from "./metrics.ts";
import { alphaForStep, compareProportions, type Tolerance } from "./sequential-test.ts";

/** A guard as configured on a rollout: a metric and the regression it tolerates (none = any). */
export type GuardSpec = { metric: GuardMetric } & Tolerance;

export type Verdict = "ok" | "regressed" | "insufficient";

/** One guard (or, in experiments, one reported metric) at one evaluation. */
export type GuardResult = {
  metric: GuardMetric;
  candidate: { rate: number; n: number };
  baseline: { rate: number; n: number };
  /**
   * Always-valid interval for candidate − (1 + maxRelativeIncrease)·baseline − maxAbsoluteIncrease;
   * null until both sides have MIN_TRIALS trials.
   */
  interval: [number, number] | null;
  estimate: number;
  verdict: Verdict;
  /** The error this comparison may spend (α split over guards and steps). */
  alpha: number;
  /** The decision rule in words, for people. */
  rule: string;
  /** Whether this is one of the rollout's guards (false: a metric an experiment only reports). */
  guard: boolean;
  maxRelativeIncrease?: number;
  maxAbsoluteIncrease?: number;
};

const pct = (v: number) => `${+(v * 100).toFixed(4)} %`;

/** "candidate deny rate > 1.25 × baseline" etc. */
export function ruleOf(g: GuardSpec): string {
  const parts: string[] = [];
  if (g.maxRelativeIncrease) parts.push(`${+(1 + g.maxRelativeIncrease).toFixed(6)} × baseline`);
  else parts.push("baseline");
  if (g.maxAbsoluteIncrease) parts.push(`+ ${pct(g.maxAbsoluteIncrease)}`);
  return `roll back when the candidate's ${g.metric} is above ${parts.join(" ")} with significance (the always-valid interval lies above 0)`;
}

/**
 * Compares candidate and baseline on each guard with the sequential test, at the α the step
 * may spend (alphaForStep). In `experiment` mode every metric is reported: guards as
 * configured, the others with no tolerance and no say over the rollout.
 */
export function evaluateGuards(input: {
  guards: GuardSpec[];
  candidate: VersionCounters;
  baseline: VersionCounters;
  alpha: number;
  step: number;
  reportAll?: boolean;
}): GuardResult[] {
  const stepAlpha = alphaForStep(input.alpha, input.guards.length, input.step);
  const specs: (GuardSpec & { guard: boolean })[] = input.guards.map((g) => ({ ...g, guard: true }));
  if (input.reportAll) for (const m of GUARD_METRICS) if (!input.guards.some((g) => g.metric === m)) specs.push({ metric: m, guard: false });
  return specs.map((g) => {
    const c = proportionOf(g.metric, input.candidate);
    const b = proportionOf(g.metric, input.baseline);
    const r = compareProportions(c, b, g, stepAlpha);
    const verdict: Verdict = !r.tested ? "insufficient" : r.regressed ? "regressed" : "ok";
    return {
      metric: g.metric,
      candidate: { rate: c.n ? c.x / c.n : 0, n: c.n },
      baseline: { rate: b.n ? b.x / b.n : 0, n: b.n },
      interval: r.tested ? r.interval : null,
      estimate: r.estimate,
      verdict,
      alpha: stepAlpha,
      rule: ruleOf(g),
      guard: g.guard,
      ...(g.maxRelativeIncrease !== undefined ? { maxRelativeIncrease: g.maxRelativeIncrease } : {}),
      ...(g.maxAbsoluteIncrease !== undefined ? { maxAbsoluteIncrease: g.maxAbsoluteIncrease } : {}),
    };
  });
}

export type StepDecision =
  | { action: "rollback"; guard: GuardResult }
  | { action: "promote" } // advance to the next step, or complete after the last
  | { action: "hold"; why: string };

/**
 * What the guard job does with a running rollout after an evaluation: roll back on the first
 * regressed guard; in `canary` mode promote when the step held for its minimum candidate
 * decisions and its minimum time; otherwise hold. Paused rollouts and experiments never
 * promote by themselves (but still roll back: a regression is never waited out).
 */
export function decideStep(input: {
  results: GuardResult[];
  mode: "canary" | "experiment";
  status: "running" | "paused";
  candidateDecisions: number;
  minSamplesPerStep: number;
  elapsedSeconds: number;
  stepMinSeconds: number;
}): StepDecision {
  const bad = input.results.find((r) => r.guard && r.verdict === "regressed");
  if (bad) return { action: "rollback", guard: bad };
  if (input.mode === "experiment") return { action: "hold", why: "experiments are ended or promoted by an operator" };
  if (input.status === "paused") return { action: "hold", why: "paused" };
  if (input.candidateDecisions < input.minSamplesPerStep) return { action: "hold", why: `${input.candidateDecisions} of ${input.minSamplesPerStep} candidate decisions` };
  if (input.elapsedSeconds < input.stepMinSeconds) return { action: "hold", why: `${Math.floor(input.elapsedSeconds)} of ${input.stepMinSeconds} seconds` };
  return { action: "promote" };
}
