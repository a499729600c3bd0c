// `npm run sim:rollouts`: simulates rollouts with known true rates through the guard logic the
// rollout job runs (lib/releases evaluateGuards + decideStep, the sequential test of
// sequential-test.ts) and prints
//   - the false rollback rate of a harmless candidate (same deny rate as its baseline): must be ≤ alpha;
//   - for a candidate whose deny rate doubles (2 % → 4 %), the median and p95 number of
//     candidate decisions until it is rolled back.
// Options: --rollouts N (1000), --seed S, --alpha A (0.05), --min-samples N (2000),
//          --tolerance rel:0.25 | abs:0.01 | none (none), --batch N (requests between evaluations, 100).
import { parseArgs } from "node:util";
import { decideStep, evaluateGuards, type GuardSpec, type VersionCounters } from "../lib/releases/index.ts";
import { zeroCounters } from "../lib/signals/index.ts";

const { values } = parseArgs({
  options: {
    rollouts: { type: "string", default: "1000" },
    seed: { type: "string", default: "20261129" },
    alpha: { type: "string", default: "0.05" },
    "min-samples": { type: "string", default: "2000" },
    tolerance: { type: "string", default: "none" },
    batch: { type: "string", default: "100" },
  },
});
const ROLLOUTS = Number(values.rollouts);
const ALPHA = Number(values.alpha);
const MIN_SAMPLES = Number(values["min-samples"]);
const BATCH = Number(values.batch);
const STEPS = [5, 25, 50, 100];

// Mulberry32: a small seeded PRNG, so every run prints the same figures for the same seed.
function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const random = prng(Number(values.seed));

function tolerance(): Omit<GuardSpec, "metric"> {
  const t = values.tolerance!;
  if (t === "none") return {};
  const [kind, v] = t.split(":");
  if (kind === "rel") return { maxRelativeIncrease: Number(v) };
  if (kind === "abs") return { maxAbsoluteIncrease: Number(v) };
  throw new Error(`--tolerance rel:X | abs:X | none, not ${t}`);
}
const guards: GuardSpec[] = [{ metric: "deny_rate", ...tolerance() }];

const counters = (): VersionCounters => ({ ...zeroCounters(), pii: 0 });

/**
 * One rollout: requests arrive in batches of BATCH, each goes to the candidate with the
 * step's share, and is denied with its version's true rate; after every batch the guards are
 * evaluated on the step's counts (continuous monitoring) and the step is promoted, held or
 * rolled back exactly as the rollout job would (time is not simulated: stepMinSeconds 0).
 */
function runRollout(candidateRate: number, baselineRate: number): { rolledBack: boolean; candidateDecisions: number } {
  let stepIndex = 0;
  let total = 0;
  while (stepIndex < STEPS.length && STEPS[stepIndex]! < 100) {
    const share = STEPS[stepIndex]! / 100;
    const cand = counters();
    const base = counters();
    for (;;) {
      for (let i = 0; i < BATCH; i++) {
        const c = random() < share;
        const side = c ? cand : base;
        side.decisions++;
        if (random() < (c ? candidateRate : baselineRate)) side.denied++;
        else side.allowed++;
        if (c) total++;
      }
      const results = evaluateGuards({ guards, candidate: cand, baseline: base, alpha: ALPHA, step: stepIndex + 1 });
      const d = decideStep({ results, mode: "canary", status: "running", candidateDecisions: cand.decisions, minSamplesPerStep: MIN_SAMPLES, elapsedSeconds: 0, stepMinSeconds: 0 });
      if (d.action === "rollback") return { rolledBack: true, candidateDecisions: total };
      if (d.action === "promote") break;
    }
    stepIndex++;
  }
  return { rolledBack: false, candidateDecisions: total };
}

function quantile(sorted: number[], q: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)]!;
}

const started = performance.now();
let falseRollbacks = 0;
for (let i = 0; i < ROLLOUTS; i++) if (runRollout(0.02, 0.02).rolledBack) falseRollbacks++;
const untilRollback: number[] = [];
let missed = 0;
for (let i = 0; i < ROLLOUTS; i++) {
  const r = runRollout(0.04, 0.02);
  if (r.rolledBack) untilRollback.push(r.candidateDecisions);
  else missed++;
}
untilRollback.sort((a, b) => a - b);
const rate = falseRollbacks / ROLLOUTS;
console.log(`Sequential test: one-sided normal-mixture confidence sequence (Howard, Ramdas, McAuliffe & Sekhon 2021), alpha ${ALPHA}`);
console.log(`Rollouts: ${ROLLOUTS} per scenario; steps ${STEPS.join(" → ")} %; ${MIN_SAMPLES} candidate decisions per step; guard deny_rate ${JSON.stringify(tolerance())}; evaluated every ${BATCH} requests; seed ${values.seed}`);
console.log(`Harmless candidate (deny 2 % vs 2 %): false rollback rate ${(rate * 100).toFixed(1)} % (${falseRollbacks}/${ROLLOUTS}) — ${rate <= ALPHA ? "≤" : ">"} alpha ${ALPHA}`);
if (untilRollback.length) {
  console.log(
    `Bad candidate (deny 2 % → 4 %): rolled back ${untilRollback.length}/${ROLLOUTS}; candidate decisions until rollback: median ${quantile(untilRollback, 0.5)}, p95 ${quantile(untilRollback, 0.95)}, max ${untilRollback.at(-1)}${missed ? `; ${missed} completed without rollback` : ""}`,
  );
}
console.log(`(${((performance.now() - started) / 1000).toFixed(1)} s)`);
