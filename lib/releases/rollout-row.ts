import type { SqlRunner } from "../db/index.ts";
import type { GuardResult, GuardSpec } from "./evaluate.ts";

export type RolloutStatus = "running" | "paused" | "rolled_back" | "completed" | "ended";
export type RolloutMode = "canary" | "experiment";

/** A rollout as lib/releases works with it (rows of `rollouts`, converted). */
export type Rollout = {
  id: string;
  agentId: string;
  candidate: string;
  baseline: string;
  mode: RolloutMode;
  steps: number[];
  step: number;
  minSamplesPerStep: number;
  stepMinSeconds: number;
  alpha: number;
  guards: GuardSpec[];
  status: RolloutStatus;
  stepStartedAt: Date;
  evaluation: StoredEvaluation | null;
  evaluatedAt: Date | null;
  endedAt: Date | null;
  endedReason: string | null;
  endedBy: string | null;
  createdBy: string;
  createdAt: Date;
};

/** What the job stores of its last evaluation: guards, reported metrics, and why it held. */
export type StoredEvaluation = { guards: GuardResult[]; metrics: GuardResult[]; decision: string; candidateDecisions: number; baselineDecisions: number };

type Row = {
  id: string;
  agent_id: string;
  candidate: string;
  baseline: string;
  mode: "CANARY" | "EXPERIMENT";
  steps: number[];
  step: number;
  min_samples_per_step: number;
  step_min_seconds: number;
  alpha: number;
  guards: GuardSpec[];
  status: "RUNNING" | "PAUSED" | "ROLLED_BACK" | "COMPLETED" | "ENDED";
  step_started_at: Date;
  evaluation: StoredEvaluation | null;
  evaluated_at: Date | null;
  ended_at: Date | null;
  ended_reason: string | null;
  ended_by: string | null;
  created_by: string;
  created_at: Date;
};

export const ROLLOUT_COLUMNS = `id, agent_id, candidate, baseline, mode, steps, step, min_samples_per_step, step_min_seconds, alpha, guards, status, step_started_at, evaluation, evaluated_at, ended_at, ended_reason, ended_by, created_by, created_at`;

export const toDbRolloutStatus = (s: RolloutStatus) => s.toUpperCase() as Row["status"];

export function rolloutFromRow(r: Row): Rollout {
  return {
    id: r.id,
    agentId: r.agent_id,
    candidate: r.candidate,
    baseline: r.baseline,
    mode: r.mode === "CANARY" ? "canary" : "experiment",
    steps: r.steps,
    step: r.step,
    minSamplesPerStep: r.min_samples_per_step,
    stepMinSeconds: r.step_min_seconds,
    alpha: r.alpha,
    guards: r.guards,
    status: r.status.toLowerCase() as RolloutStatus,
    stepStartedAt: r.step_started_at,
    evaluation: r.evaluation,
    evaluatedAt: r.evaluated_at,
    endedAt: r.ended_at,
    endedReason: r.ended_reason,
    endedBy: r.ended_by,
    createdBy: r.created_by,
    createdAt: r.created_at,
  };
}

/** Reads one rollout (optionally locking its row: `FOR UPDATE`). */
export async function readRollout(run: SqlRunner, id: string, lock: "" | "FOR UPDATE" | "FOR UPDATE SKIP LOCKED" = ""): Promise<Rollout | null> {
  const [row] = await run<Row>(`SELECT ${ROLLOUT_COLUMNS} FROM rollouts WHERE id = $1 ${lock}`, [id]);
  return row ? rolloutFromRow(row) : null;
}

export async function readRollouts(run: SqlRunner, where: string, params: unknown[]): Promise<Rollout[]> {
  const rows = await run<Row>(`SELECT ${ROLLOUT_COLUMNS} FROM rollouts WHERE ${where}`, params);
  return rows.map(rolloutFromRow);
}

/** The candidate's share of traffic (percent) a rollout in this state gives. */
export function shareOf(r: Pick<Rollout, "status" | "steps" | "step">): number {
  if (r.status === "running" || r.status === "paused") return r.steps[r.step - 1] ?? 0;
  return r.status === "completed" ? 100 : 0;
}

export const isActive = (r: Pick<Rollout, "status">) => r.status === "running" || r.status === "paused";
