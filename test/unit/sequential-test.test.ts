import { describe, expect, it } from "vitest";
import { alphaForStep, bestRho, compareProportions, decideStep, evaluateGuards, isCandidate, assignmentBucket, mixtureBoundary, type VersionCounters } from "../../lib/releases/index.ts";
import { logMixture } from "../../lib/releases/sequential-test.ts";
import { normalCdf } from "../../lib/releases/normal-cdf.ts";
import { zeroCounters } from "../../lib/signals/index.ts";

describe("the normal CDF", () => {
  it("matches tabulated values to 1e-12", () => {
    // Φ at standard points (tables / mpmath to 16 digits).
    for (const [x, want] of [
      [0, 0.5],
      [1.959963984540054, 0.975],
      [-1.6448536269514722, 0.05],
      [-3, 0.0013498980316300946],
      [2.5, 0.9937903346742238],
      [-6, 9.865876450376946e-10],
    ] as const) {
      expect(Math.abs(normalCdf(x) - want) / want).toBeLessThan(1e-12);
    }
  });
});

describe("the one-sided normal-mixture boundary (Howard et al. 2021)", () => {
  // M(s, v) as the integral it is — exp(λs − λ²v/2) against a half-normal mixing density of
  // precision ρ — by the trapezoid rule, independently of the closed form in logMixture.
  function mixtureByIntegral(s: number, v: number, rho: number): number {
    const h = 1e-4 / Math.sqrt(Math.max(v, rho) / 100);
    let sum = 0;
    for (let l = 0; l < 60 / Math.sqrt(rho + v) + 10 * h; l += h) {
      const f = (x: number) => Math.exp(x * s - (x * x * v) / 2) * 2 * Math.sqrt(rho / (2 * Math.PI)) * Math.exp((-rho * x * x) / 2);
      sum += ((f(l) + f(l + h)) / 2) * h;
    }
    return sum;
  }

  it("has the closed form of the half-normal mixture", () => {
    for (const [s, v, rho] of [
      [2, 1, 1],
      [15, 100, 10],
      [-3, 50, 5],
      [40, 400, 60],
    ] as const) {
      expect(Math.abs(Math.exp(logMixture(s, v, rho)) / mixtureByIntegral(s, v, rho) - 1)).toBeLessThan(1e-4);
    }
  });

  it("solves M(u, v) = 1/α, and grows with v and shrinks with α", () => {
    const u = mixtureBoundary(1000, 0.05, bestRho(1000, 0.05));
    expect(logMixture(u, 1000, bestRho(1000, 0.05))).toBeCloseTo(Math.log(20), 9);
    expect(u / Math.sqrt(1000)).toBeGreaterThan(1.645); // always wider than the fixed-n z of a one-sided 5 % test
    expect(u / Math.sqrt(1000)).toBeLessThan(3.2);
    expect(mixtureBoundary(4000, 0.05, 158)).toBeGreaterThan(mixtureBoundary(1000, 0.05, 158));
    expect(mixtureBoundary(1000, 0.01, 158)).toBeGreaterThan(mixtureBoundary(1000, 0.05, 158));
    // At the boundary's optimum ρ the boundary in z units is close to confseq's reported 2.9–3.0 for α = 0.05.
    expect(u / Math.sqrt(1000)).toBeCloseTo(2.9, 0);
  });

  it("tunes ρ as confseq's best_rho for one-sided mixtures: v / (2 log(1/(2α)) + log(1 + 2 log(1/(2α))))", () => {
    expect(bestRho(1000, 0.05)).toBeCloseTo(1000 / (2 * Math.log(10) + Math.log(1 + 2 * Math.log(10))), 10);
    expect(bestRho(1000, 0.05)).toBeCloseTo(158.0063, 3);
  });

  it("is a valid boundary: a standard random walk crosses it at most α of the time (Monte Carlo)", () => {
    // Mulberry32, seeded: the same walks on every run.
    let a = 7;
    const rand = () => {
      a = (a + 0x6d2b79f5) >>> 0;
      let t = a;
      t = Math.imul(t ^ (t >>> 15), t | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      return (((t ^ (t >>> 14)) >>> 0) + 0.5) / 4294967296;
    };
    const gauss = () => Math.sqrt(-2 * Math.log(rand())) * Math.cos(2 * Math.PI * rand());
    const rho = bestRho(500, 0.05);
    const bound = Array.from({ length: 2001 }, (_, v) => (v ? mixtureBoundary(v, 0.05, rho) : Infinity));
    let crossed = 0;
    const runs = 2000;
    for (let r = 0; r < runs; r++) {
      let s = 0;
      for (let v = 1; v <= 2000; v++) {
        s += gauss();
        if (s >= bound[v]!) {
          crossed++;
          break;
        }
      }
    }
    expect(crossed / runs).toBeLessThanOrEqual(0.05);
  });
});

describe("compareProportions", () => {
  it("flags a doubled rate with enough data and not an equal one", () => {
    const doubled = compareProportions({ x: 80, n: 1000 }, { x: 400, n: 10000 }, {}, 0.025);
    expect(doubled.regressed).toBe(true);
    expect(doubled.estimate).toBeCloseTo(0.04, 12);
    expect(doubled.interval[0]).toBeGreaterThan(0);
    const same = compareProportions({ x: 40, n: 1000 }, { x: 400, n: 10000 }, {}, 0.025);
    expect(same.regressed).toBe(false);
    expect(same.interval[0]).toBeLessThan(0);
    expect(same.interval[1]).toBeGreaterThan(0);
  });

  it("applies relative and absolute tolerances to the estimand candidate − (1 + rel)·baseline − abs", () => {
    expect(compareProportions({ x: 80, n: 1000 }, { x: 400, n: 10000 }, { maxRelativeIncrease: 1.5 }, 0.025)).toMatchObject({ regressed: false });
    expect(compareProportions({ x: 80, n: 1000 }, { x: 400, n: 10000 }, { maxRelativeIncrease: 1.5 }, 0.025).estimate).toBeCloseTo(0.08 - 2.5 * 0.04, 12);
    expect(compareProportions({ x: 80, n: 1000 }, { x: 400, n: 10000 }, { maxAbsoluteIncrease: 0.05 }, 0.025)).toMatchObject({ regressed: false });
    expect(compareProportions({ x: 200, n: 1000 }, { x: 400, n: 10000 }, { maxAbsoluteIncrease: 0.05 }, 0.025)).toMatchObject({ regressed: true });
  });

  it("gives no verdict below 30 trials on either side, and refuses impossible counts", () => {
    expect(compareProportions({ x: 29, n: 29 }, { x: 0, n: 1000 }, {}, 0.05)).toMatchObject({ tested: false, regressed: false });
    expect(() => compareProportions({ x: 5, n: 4 }, { x: 0, n: 10 }, {}, 0.05)).toThrow(RangeError);
    expect(() => compareProportions({ x: 1, n: 4 }, { x: 0, n: 10 }, {}, 1)).toThrow(RangeError);
  });

  it("catches a rate appearing from zero (sparse events) without flagging a single event", () => {
    expect(compareProportions({ x: 36, n: 300 }, { x: 0, n: 2000 }, {}, 0.025).regressed).toBe(true);
    expect(compareProportions({ x: 1, n: 300 }, { x: 0, n: 2000 }, {}, 0.025).regressed).toBe(false);
  });

  it("spends α over guards and steps so the rollout's total stays ≤ α", () => {
    expect(alphaForStep(0.05, 1, 1)).toBe(0.025);
    expect(alphaForStep(0.05, 2, 3)).toBe(0.05 / 16);
    let total = 0;
    for (let s = 1; s <= 20; s++) total += 3 * alphaForStep(0.05, 3, s);
    expect(total).toBeLessThan(0.05);
  });
});

describe("guards and steps", () => {
  const counters = (over: Partial<VersionCounters>): VersionCounters => ({ ...zeroCounters(), ...over });

  it("evaluates each guard's metric and decides rollback, promotion or hold", () => {
    const results = evaluateGuards({
      guards: [{ metric: "deny_rate", maxRelativeIncrease: 0.25 }, { metric: "failure_rate", maxAbsoluteIncrease: 0.01 }],
      candidate: counters({ decisions: 1000, denied: 200, results: 10, failed: 0 }),
      baseline: counters({ decisions: 10000, denied: 200, results: 500, failed: 5 }),
      alpha: 0.05,
      step: 1,
    });
    expect(results.map((r) => [r.metric, r.verdict])).toEqual([
      ["deny_rate", "regressed"],
      ["failure_rate", "insufficient"],
    ]);
    expect(results[0]!.alpha).toBe(0.0125);
    expect(results[0]!.rule).toContain("1.25 × baseline");
    const d = decideStep({ results, mode: "canary", status: "running", candidateDecisions: 1000, minSamplesPerStep: 10, elapsedSeconds: 999, stepMinSeconds: 0 });
    expect(d).toMatchObject({ action: "rollback", guard: { metric: "deny_rate" } });
    const fine = results.map((r) => ({ ...r, verdict: "ok" as const }));
    expect(decideStep({ results: fine, mode: "canary", status: "running", candidateDecisions: 1000, minSamplesPerStep: 10, elapsedSeconds: 999, stepMinSeconds: 60 })).toEqual({ action: "promote" });
    expect(decideStep({ results: fine, mode: "canary", status: "running", candidateDecisions: 9, minSamplesPerStep: 10, elapsedSeconds: 999, stepMinSeconds: 60 }).action).toBe("hold");
    expect(decideStep({ results: fine, mode: "canary", status: "running", candidateDecisions: 10, minSamplesPerStep: 10, elapsedSeconds: 59, stepMinSeconds: 60 }).action).toBe("hold");
    expect(decideStep({ results: fine, mode: "canary", status: "paused", candidateDecisions: 10, minSamplesPerStep: 10, elapsedSeconds: 99, stepMinSeconds: 60 }).action).toBe("hold");
    expect(decideStep({ results: fine, mode: "experiment", status: "running", candidateDecisions: 1e6, minSamplesPerStep: 1, elapsedSeconds: 1e6, stepMinSeconds: 0 }).action).toBe("hold");
  });
});

describe("assignment", () => {
  it("is a pure function of rollout, step and key, spread evenly, and monotone in the share", () => {
    expect(assignmentBucket("rol_a", 1, "cust-1")).toBe(assignmentBucket("rol_a", 1, "cust-1"));
    let inFive = 0;
    for (let i = 0; i < 20000; i++) {
      const key = `k${i}`;
      if (isCandidate("rol_a", 1, 5, key)) {
        inFive++;
        expect(isCandidate("rol_a", 1, 25, key)).toBe(true);
      }
    }
    expect(inFive / 20000).toBeGreaterThan(0.045);
    expect(inFive / 20000).toBeLessThan(0.055);
    // Another step or rollout reshuffles the keys.
    const same = Array.from({ length: 1000 }, (_, i) => assignmentBucket("rol_a", 1, `k${i}`) === assignmentBucket("rol_a", 2, `k${i}`)).filter(Boolean).length;
    expect(same).toBeLessThan(20);
  });
});
