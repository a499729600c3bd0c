import { pool, withPgTransaction } from "../db/index.ts";
import { promotion } from "./controls.ts";
import { decideStep, evaluateGuards } from "./evaluate.ts";
import { readRollout, type Rollout } from "./rollout-row.ts";
import { stepCounters } from "./step-signals.ts";
import { applyTransition } from "./transitions.ts";

/** How often one rollout is evaluated (every instance's job loop asks each second). */
export const EVALUATE_EVERY_MS = 2_000;

export type EvaluationOutcome = { rolloutId: string; action: "rollback" | "promote" | "hold"; to: Rollout["status"]; step: number };

/**
 * The guard job (lib/jobs runs it on every instance each second): for every running or
 * paused rollout not evaluated in the last `everyMs`, in a transaction of its own — claim
 * the row (`FOR UPDATE SKIP LOCKED`: another instance evaluating it is skipped, never
 * waited for), read the step's counters from the signals, run the sequential test on each
 * guard, and roll back, promote or hold (decideStep), storing the evaluation and a chart
 * point. State lives only in PostgreSQL, so a restart of every instance mid-step resumes
 * where it was; evaluating twice changes nothing (the claim re-checks the evaluation time).
 */
export async function evaluateRollouts(opts: { everyMs?: number } = {}): Promise<EvaluationOutcome[]> {
  const everyMs = opts.everyMs ?? EVALUATE_EVERY_MS;
  const { rows } = await pool().query<{ id: string }>(
    `SELECT id FROM rollouts WHERE status IN ('RUNNING', 'PAUSED') AND (evaluated_at IS NULL OR evaluated_at <= now() - make_interval(secs => $1)) ORDER BY evaluated_at NULLS FIRST LIMIT 100`,
    [everyMs / 1000],
  );
  const out: EvaluationOutcome[] = [];
  for (const { id } of rows) {
    const o = await evaluateOne(id, everyMs);
    if (o) out.push(o);
  }
  return out;
}

async function evaluateOne(id: string, everyMs: number): Promise<EvaluationOutcome | null> {
  return withPgTransaction(async (run) => {
    const r = await readRollout(run, id, "FOR UPDATE SKIP LOCKED");
    if (!r || (r.status !== "running" && r.status !== "paused")) return null;
    if (r.evaluatedAt && Date.now() - r.evaluatedAt.getTime() < everyMs - 50) return null;
    const counts = await stepCounters(r, run);
    const all = evaluateGuards({ guards: r.guards, candidate: counts.candidate, baseline: counts.baseline, alpha: r.alpha, step: r.step, reportAll: r.mode === "experiment" });
    const guards = all.filter((g) => g.guard);
    const [{ now }] = (await run<{ now: Date }>(`SELECT now() AS now`, [])) as [{ now: Date }];
    const d = decideStep({
      results: all,
      mode: r.mode,
      status: r.status,
      candidateDecisions: counts.candidate.decisions,
      minSamplesPerStep: r.minSamplesPerStep,
      elapsedSeconds: (now.getTime() - r.stepStartedAt.getTime()) / 1000,
      stepMinSeconds: r.stepMinSeconds,
    });
    const decision = d.action === "hold" ? `holding: ${d.why}` : d.action === "rollback" ? `rolled back: ${d.guard.metric} regressed` : "promoted";
    const evaluation = { guards, metrics: r.mode === "experiment" ? all : [], decision, candidateDecisions: counts.candidate.decisions, baselineDecisions: counts.baseline.decisions };
    await run(`UPDATE rollouts SET evaluation = $2::jsonb, evaluated_at = now() WHERE id = $1`, [r.id, JSON.stringify(evaluation)]);
    await run(`INSERT INTO rollout_points (rollout_id, step, guards) VALUES ($1, $2, $3::jsonb)`, [r.id, r.step, JSON.stringify(r.mode === "experiment" ? all : guards)]);
    const system = { actor: "system", by: "warden", cause: "automatic" as const };
    if (d.action === "rollback") {
      const next = await applyTransition(run, r, { kind: "rollback", guard: d.guard }, { ...system, reason: "" });
      return { rolloutId: r.id, action: "rollback", to: next.status, step: next.step };
    }
    if (d.action === "promote") {
      const t = promotion(r);
      const reason = `step ${r.step} (${r.steps[r.step - 1]} %) held: ${counts.candidate.decisions} candidate decisions over ${Math.floor((now.getTime() - r.stepStartedAt.getTime()) / 1000)} s with no guard regressed`;
      const next = await applyTransition(run, r, t, { ...system, reason });
      return { rolloutId: r.id, action: "promote", to: next.status, step: next.step };
    }
    return { rolloutId: r.id, action: "hold", to: r.status, step: r.step };
  });
}
