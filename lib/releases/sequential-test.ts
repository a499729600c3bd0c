import { logNormalCdf } from "./normal-cdf.ts";

/**
 * The sequential test behind rollout guards: an always-valid (time-uniform) confidence
 * sequence for the regression of a candidate's rate over its baseline's, which may be
 * looked at after every decision without inflating its error rate — no peeking problem, no
 * fixed horizon.
 *
 * Method — the one-sided normal-mixture boundary of
 *   S. R. Howard, A. Ramdas, J. McAuliffe, J. Sekhon (2021), "Time-uniform, nonparametric,
 *   nonasymptotic confidence sequences", The Annals of Statistics 49(2), 1055–1080,
 *   §3 (Robbins' normal mixture, one-sided: a half-normal mixing distribution; the same
 *   supermartingale as `OneSidedNormalMixture` in the authors' `confseq` library),
 * applied to the difference of two proportions with plug-in variances, which makes it an
 * asymptotic confidence sequence in the sense of I. Waudby-Smith, D. Arbour, R. Sinha,
 * E. H. Kennedy, A. Ramdas (2024), "Time-uniform central limit theory and asymptotic
 * confidence sequences", The Annals of Statistics 52(6). It is the always-valid analogue of
 * the two-sample mixture SPRT of Johari, Pekelis & Walsh (2022), "Always valid inference",
 * Operations Research 70(3), with a one-sided (half-normal) mixture because a guard only
 * ever acts on a regression.
 *
 * The estimand of a guard with tolerance (c = 1 + maxRelativeIncrease, a = maxAbsoluteIncrease):
 *     δ = p_candidate − c · p_baseline − a          (regression beyond what is tolerated: δ > 0)
 * estimated by δ̂ = x₁/n₁ − c·x₀/n₀ − a with variance V = q₁(1−q₁)/n₁ + c²·p̃₀(1−p̃₀)/n₀, where
 * p̃ = (x + ½)/(n + 1) (a rate of 0 still has a variance) and q₁ the candidate's rate at the
 * δ being tested (see compareProportions). In intrinsic time v = 1/V the
 * statistic S = δ̂·v behaves like a Brownian motion with drift δ; with the mixture
 *     M(s, v) = 2·sqrt(ρ/(v+ρ)) · exp(s²/(2(v+ρ))) · Φ(s/sqrt(v+ρ))
 * (a nonnegative supermartingale when δ = 0) Ville's inequality gives
 * P(∃ t: M_t ≥ 1/α) ≤ α. The boundary u(v) solves M(u, v) = 1/α, and
 *     lower(δ) = δ̂ − u(v)/v,   upper(δ) = δ̂ + u(v)/v
 * are one-sided (1 − α) confidence sequences. A guard is `regressed` when lower > 0.
 * ρ is tuned so the boundary is tightest at intrinsic time `vOpt` (`best_rho` in confseq): ρ = vOpt / (2·log(1/(2α)) + log(1 + 2·log(1/(2α)))).
 */

/** Counts of one side: `x` events out of `n` trials (e.g. denied of decided). */
export type Proportion = { x: number; n: number };

/** What a guard tolerates: a relative increase (0.25 = +25 %) or an absolute one (0.01 = +1 point). */
export type Tolerance = { maxRelativeIncrease?: number; maxAbsoluteIncrease?: number };

export type SequentialResult = {
  /** Point estimate of δ = p₁ − (1 + rel)·p₀ − abs. */
  estimate: number;
  /** Always-valid interval for δ: each end a one-sided (1 − α) confidence sequence. */
  interval: [number, number];
  /** The interval's half-width u(v)/v. */
  radius: number;
  /** Whether both sides had enough trials for the test to run (see MIN_TRIALS). */
  tested: boolean;
  /** lower > 0: the candidate's rate is above what is tolerated, with significance α. */
  regressed: boolean;
};

/** Below this many trials on either side the normal approximation is not trusted: no verdict. */
export const MIN_TRIALS = 30;
/** Expected events on each side (trials × the rate at the edge of what is tolerated) from which the score form is used. */
export const MIN_EVENTS = 10;

/**
 * Where the boundary is tightest, in candidate trials at a 5 % rate: the design point where
 * a doubled rate should be caught (the target is ≤ 1,500 candidate decisions; the
 * simulation, `npm run sim:rollouts`, gives about the same figures for 500 to 2,000).
 * Fixed in advance — a data-dependent ρ would void the guarantee.
 */
export const DESIGN_TRIALS = 1000;
export const DESIGN_RATE = 0.05;

/** ρ of the one-sided normal mixture, tightest at intrinsic time vOpt for level α (confseq's `best_rho`, one-sided). */
export function bestRho(vOpt: number, alpha: number): number {
  const l = 2 * Math.log(1 / (2 * alpha));
  return vOpt / (l + Math.log(1 + l));
}

/** log M(s, v) of the one-sided normal mixture with parameter ρ. */
export function logMixture(s: number, v: number, rho: number): number {
  return 0.5 * Math.log((4 * rho) / (v + rho)) + (s * s) / (2 * (v + rho)) + logNormalCdf(s / Math.sqrt(v + rho));
}

/**
 * The one-sided normal-mixture boundary u(v): the s with M(s, v) = 1/α, by safeguarded
 * Newton steps on log M (increasing and convex enough in s) to 1e-10 relative.
 * P(∃ v: S_v ≥ u(v)) ≤ α for a standard Brownian motion S (Ville's inequality).
 */
export function mixtureBoundary(v: number, alpha: number, rho: number): number {
  if (!(v > 0) || !(rho > 0) || !(alpha > 0 && alpha < 1)) throw new RangeError("mixtureBoundary: v, rho > 0 and 0 < alpha < 1");
  const target = Math.log(1 / alpha);
  const w = v + rho;
  const sw = Math.sqrt(w);
  const f = (s: number) => logMixture(s, v, rho) - target;
  let lo = 0;
  let hi = sw;
  while (f(hi) < 0) hi *= 2;
  // Start from the two-sided closed form, which is close.
  let s = Math.min(hi, Math.max(lo, Math.sqrt(w * (Math.log(w / rho) + 2 * target))));
  for (let i = 0; i < 100; i++) {
    const fs = f(s);
    if (fs < 0) lo = s;
    else hi = s;
    const z = s / sw;
    // d/ds log M = s/w + φ(z)/(Φ(z)·√w)
    const slope = s / w + Math.exp(-0.5 * z * z - 0.5 * Math.log(2 * Math.PI) - logNormalCdf(z)) / sw;
    let next = s - fs / slope;
    if (!(next > lo && next < hi)) next = (lo + hi) / 2;
    if (Math.abs(next - s) <= 1e-10 * Math.max(1, s)) return next;
    s = next;
  }
  return s;
}

/** The design intrinsic time: 1 / variance of a rate of DESIGN_RATE over DESIGN_TRIALS trials. */
export const DESIGN_V = DESIGN_TRIALS / (DESIGN_RATE * (1 - DESIGN_RATE));

const smoothed = (p: Proportion) => (p.x + 0.5) / (p.n + 1);

/**
 * The always-valid comparison of a candidate's rate with its baseline's (see the module
 * comment for the method and its sources). The interval is the inversion of the test: each
 * end δ₀ is where the sequential test of "δ = δ₀" is just rejected, with the variance taken
 * at δ₀ (the candidate's rate there is (1 + rel)·p̃₀ + abs + δ₀) — the score-test form, as the
 * Wilson interval is to the Wald one. At δ₀ = 0 that is the variance at the edge of what is
 * tolerated, which makes a regression visible with far fewer candidate decisions than the
 * variance of the (higher) observed candidate rate would.
 *
 * @param candidate events and trials of the candidate over the current step
 * @param baseline events and trials of the baseline over the same step
 * @param tolerance the regression tolerated (relative or absolute; neither = none)
 * @param alpha the error this guard may spend in this step, 0 < α < 1
 * @returns the estimate of δ, its interval, and whether it regressed (lower end > 0);
 *          `tested` is false (and `regressed` false) below MIN_TRIALS on either side
 * @throws RangeError for counts that are negative, x > n, or α outside (0, 1)
 */
export function compareProportions(candidate: Proportion, baseline: Proportion, tolerance: Tolerance, alpha: number): SequentialResult {
  for (const p of [candidate, baseline]) {
    if (!(p.n >= 0 && p.x >= 0 && p.x <= p.n)) throw new RangeError("compareProportions: need 0 ≤ x ≤ n");
  }
  if (!(alpha > 0 && alpha < 1)) throw new RangeError("compareProportions: need 0 < alpha < 1");
  const c = 1 + (tolerance.maxRelativeIncrease ?? 0);
  const a = tolerance.maxAbsoluteIncrease ?? 0;
  const rate = (p: Proportion) => (p.n > 0 ? p.x / p.n : 0);
  const estimate = rate(candidate) - c * rate(baseline) - a;
  const cc = candidate.n > 0 ? 0.5 / candidate.n : 0;
  const q0 = smoothed(baseline);
  const q1Observed = smoothed(candidate);
  const tested = candidate.n >= MIN_TRIALS && baseline.n >= MIN_TRIALS;
  if (!tested) return { estimate, interval: [-Infinity, Infinity], radius: Infinity, tested, regressed: false };
  // Large-sample regime — at least MIN_EVENTS expected events on each side at the edge of what
  // is tolerated: the score form (candidate variance at the δ₀ tested). Below it the
  // binomial's skew makes that form anti-conservative under continuous monitoring (rare events:
  // one event among few trials would count as a regression), so the candidate's variance is
  // then never below its own observed rate's (the Wald form): a regression has to show as
  // events, and many of them.
  const edge = Math.min(1, c * q0 + a);
  const largeSample = candidate.n * edge >= MIN_EVENTS && baseline.n * q0 >= MIN_EVENTS;
  const floor = 0.5 / (candidate.n + 1);
  const rho = bestRho(DESIGN_V, alpha);
  const radiusAt = (delta0: number) => {
    const atDelta = c * q0 + a + delta0;
    const q1 = Math.min(1 - floor, Math.max(floor, largeSample ? atDelta : Math.max(atDelta, q1Observed)));
    const variance = (q1 * (1 - q1)) / candidate.n + (c * c * q0 * (1 - q0)) / baseline.n;
    const v = 1 / variance;
    return mixtureBoundary(v, alpha, rho) / v;
  };
  // Each end solves δ₀ = δ̂ ∓ (radius(δ₀) + ½/n₁): a fixed point (the radius moves far slower
  // than δ₀); ½/n₁ is a continuity correction (Yates) against the binomial's skew.
  const end = (sign: -1 | 1) => {
    let d = estimate + sign * (radiusAt(estimate) + cc);
    for (let i = 0; i < 50; i++) {
      const next = estimate + sign * (radiusAt(d) + cc);
      if (Math.abs(next - d) < 1e-12) return next;
      d = next;
    }
    return d;
  };
  const interval: [number, number] = [end(-1), end(1)];
  return { estimate, interval, radius: (interval[1] - interval[0]) / 2, tested, regressed: interval[0] > 0 };
}

/**
 * The error a guard may spend in step `step` (1-based) of a rollout with `guards` guards and
 * overall level `alpha`: α / (guards · 2^step). Steps are tested on fresh data, so a union
 * bound over guards and steps (Σ 2^−s < 1) keeps the probability that a harmless candidate is
 * ever rolled back, over the whole rollout, at most α. Spending half of it on the first step
 * puts the power where the candidate's share is smallest and a regression cheapest.
 */
export function alphaForStep(alpha: number, guards: number, step: number): number {
  return alpha / (Math.max(1, guards) * 2 ** Math.max(1, step));
}
