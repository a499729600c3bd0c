import { appendAuditEvents } from "../audit/index.ts";
import { pool, withPgTransaction, type SqlRunner } from "../db/index.ts";
import { notFound, WardenError } from "../errors/index.ts";
import { CHANNEL, notifySql } from "../events/index.ts";
import { newId } from "../ids.ts";
import { evaluateGuards, type GuardResult } from "./evaluate.ts";
import { isActive, readRollout, readRollouts, shareOf, type Rollout } from "./rollout-row.ts";
import type { CreateRolloutInput } from "./schemas.ts";
import { stepCounters } from "./step-signals.ts";
import { agentForAudit, lockAgentReleases } from "./versions.ts";

const poolRunner: SqlRunner = async <T>(sql: string, params: unknown[]) => (await pool().query(sql, params)).rows as T[];

/** A rollout as the API shows it (`GET /api/rollouts/{id}`). */
export type RolloutView = {
  id: string;
  agentId: string;
  candidate: string;
  baseline: string;
  mode: "canary" | "experiment";
  status: Rollout["status"];
  steps: number[];
  step: number;
  share: number;
  /** Each version's share of traffic now (percent). */
  shares: Record<string, number>;
  minSamplesPerStep: number;
  stepMinSeconds: number;
  alpha: number;
  guards: GuardResult[];
  /** Experiments: every metric per version with its interval (guards included). */
  metrics: GuardResult[];
  /** Candidate and baseline decisions in the current step. */
  samples: { candidate: number; baseline: number };
  stepStartedAt: string;
  evaluatedAt: string | null;
  /** What the guard job concluded last (hold: why; or the transition it made). */
  decision: string | null;
  endedReason: string | null;
  endedAt: string | null;
  endedBy: string | null;
  createdBy: string;
  createdAt: string;
};

/**
 * The view of a rollout; for a running or paused one the guards are evaluated now from the
 * signals (live), for a finished one they are as the last evaluation left them.
 */
export async function presentRollout(r: Rollout): Promise<RolloutView> {
  let guards = r.evaluation?.guards ?? [];
  let metrics = r.evaluation?.metrics ?? [];
  let samples = { candidate: r.evaluation?.candidateDecisions ?? 0, baseline: r.evaluation?.baselineDecisions ?? 0 };
  if (isActive(r)) {
    const counts = await stepCounters(r);
    const all = evaluateGuards({ guards: r.guards, candidate: counts.candidate, baseline: counts.baseline, alpha: r.alpha, step: r.step, reportAll: r.mode === "experiment" });
    guards = all.filter((g) => g.guard);
    metrics = r.mode === "experiment" ? all : [];
    samples = { candidate: counts.candidate.decisions, baseline: counts.baseline.decisions };
  }
  const share = shareOf(r);
  return {
    id: r.id,
    agentId: r.agentId,
    candidate: r.candidate,
    baseline: r.baseline,
    mode: r.mode,
    status: r.status,
    steps: r.steps,
    step: r.step,
    share,
    shares: { [r.candidate]: share, [r.baseline]: 100 - share },
    minSamplesPerStep: r.minSamplesPerStep,
    stepMinSeconds: r.stepMinSeconds,
    alpha: r.alpha,
    guards,
    metrics,
    samples,
    stepStartedAt: r.stepStartedAt.toISOString(),
    evaluatedAt: r.evaluatedAt?.toISOString() ?? null,
    decision: r.evaluation?.decision ?? null,
    endedReason: r.endedReason,
    endedAt: r.endedAt?.toISOString() ?? null,
    endedBy: r.endedBy,
    createdBy: r.createdBy,
    createdAt: r.createdAt.toISOString(),
  };
}

/**
 * Starts a canary rollout or an experiment of `candidate` against `baseline` (default: the
 * agent's current version) at the first step's share.
 *
 * @throws not_found (agent), unknown_version (candidate or baseline not registered, or no
 *   baseline given and no current version), rollout_active (the agent has a running or
 *   paused rollout), validation_failed (candidate = baseline)
 */
export async function createRollout(opts: { agentId: string; input: CreateRolloutInput; actor: string; createdBy: string; createdById?: string | null }): Promise<RolloutView> {
  const i = opts.input;
  const created = await withPgTransaction(async (run) => {
    const agent = await agentForAudit(run, opts.agentId);
    await lockAgentReleases(run, agent.id);
    const versions = await run<{ version: string; current: boolean }>(`SELECT version, current FROM agent_versions WHERE agent_id = $1`, [agent.id]);
    const known = new Set(versions.map((v) => v.version));
    if (!known.has(i.candidate)) throw new WardenError("unknown_version", `Candidate ${i.candidate} is not a registered version of this agent`);
    const baseline = i.baseline ?? versions.find((v) => v.current)?.version;
    if (!baseline) throw new WardenError("unknown_version", "The agent has no current version: name the baseline");
    if (!known.has(baseline)) throw new WardenError("unknown_version", `Baseline ${baseline} is not a registered version of this agent`);
    if (baseline === i.candidate) throw new WardenError("validation_failed", "The candidate is already the baseline (the agent's current version)");
    const [active] = await run<{ id: string }>(`SELECT id FROM rollouts WHERE agent_id = $1 AND status IN ('RUNNING', 'PAUSED') LIMIT 1`, [agent.id]);
    if (active) throw new WardenError("rollout_active", `The agent already has an active rollout (${active.id}); finish, roll back or end it first`, { rolloutId: active.id });
    const id = newId("rol");
    await run(
      `INSERT INTO rollouts (id, agent_id, candidate, baseline, mode, steps, step, min_samples_per_step, step_min_seconds, alpha, guards, status, created_by_id, created_by, updated_at)
       VALUES ($1, $2, $3, $4, $5::"RolloutMode", $6::int[], 1, $7, $8, $9, $10::jsonb, 'RUNNING', $11, $12, now())`,
      [id, agent.id, i.candidate, baseline, i.mode.toUpperCase(), i.steps, i.minSamplesPerStep, i.stepMinSeconds, i.alpha, JSON.stringify(i.guards), opts.createdById ?? null, opts.createdBy],
    );
    await appendAuditEvents(run, [
      {
        actor: opts.actor,
        kind: "rollout.started",
        subject: `rollout:${id}`,
        agentId: agent.id,
        cohort: agent.cohort,
        data: { candidate: i.candidate, baseline, mode: i.mode, steps: i.steps, minSamplesPerStep: i.minSamplesPerStep, stepMinSeconds: i.stepMinSeconds, alpha: i.alpha, guards: i.guards, share: i.steps[0] },
      },
    ]);
    await run(notifySql, [CHANNEL.releases, agent.id]);
    return (await readRollout(run, id))!;
  });
  return presentRollout(created);
}

/** One rollout. @throws not_found */
export async function getRollout(id: string): Promise<RolloutView> {
  const r = await readRollout(poolRunner, id);
  if (!r) throw notFound("Rollout");
  return presentRollout(r);
}

/** An agent's rollouts, newest first (the active one live). @throws not_found */
export async function listRollouts(agentId: string): Promise<RolloutView[]> {
  await agentForAudit(poolRunner, agentId);
  const rows = await readRollouts(poolRunner, `agent_id = $1 ORDER BY created_at DESC, id DESC LIMIT 100`, [agentId]);
  return Promise.all(rows.map(presentRollout));
}

/** The recorded evaluations of a rollout (the dashboard's charts), oldest first, at most `limit` (newest kept). */
export async function rolloutPoints(id: string, limit = 360): Promise<{ at: string; step: number; guards: GuardResult[] }[]> {
  const { rows } = await pool().query<{ at: Date; step: number; guards: GuardResult[] }>(
    `SELECT at, step, guards FROM (SELECT at, step, guards FROM rollout_points WHERE rollout_id = $1 ORDER BY at DESC LIMIT $2) p ORDER BY at`,
    [id, limit],
  );
  return rows.map((r) => ({ at: r.at.toISOString(), step: r.step, guards: r.guards }));
}
