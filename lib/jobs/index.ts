/** Background jobs every instance runs (expiry, stage escalation, webhook delivery, containment, audit partitions, signed checkpoints); see startJobs. */
import { checkpointOnSchedule, ensureAuditPartitions } from "../audit/index.ts";
import { escalateDueActions, expireDueActions } from "../actions/index.ts";
import { detectAnomalies } from "../anomalies/index.ts";
import { evaluateBreakers } from "../breakers/index.ts";
import { pruneReservations } from "../budgets/index.ts";
import { pool } from "../db/index.ts";
import { evaluateRollouts } from "../releases/index.ts";
import { pruneSignals } from "../signals/index.ts";
import { ensureSigningKey } from "../signing/index.ts";
import { deliverDueWebhooks } from "../webhooks/index.ts";

/** Which background jobs a process runs: see startJobs. */
export type JobLanes = "all" | "prompt" | "bulk";

const HOUR = 3_600_000;
const MINUTE = 60_000;
/** How often staged actions' deadlines are checked: a stage escalates within this (+ one query) of its timeout. */
export const STAGE_SWEEP_MS = 250;

/**
 * Background work every instance runs, each job in its own lane (a slow webhook receiver must
 * not hold back a timeout): expiring single-stage pending actions whose time ran out, applying
 * stage timeouts (climb, approve, reject, expire) every STAGE_SWEEP_MS, and sending due
 * webhook deliveries. They claim rows with SKIP LOCKED, so instances share the work without
 * doing anything twice. Every tick, circuit breakers are evaluated (each transition applies
 * once, whichever instance gets there first); every minute, unusual access is looked for (each
 * alert recorded once). Rollout guards are evaluated every 2 s per rollout (each rollout
 * claimed by one instance at a time; lib/releases guard-job.ts). Hourly, the audit log's partitions for the months ahead (idempotent),
 * and old signal buckets and budget reservations no window counts any more are pruned.
 * Every `WARDEN_CHECKPOINT_INTERVAL_SECONDS` (60), a signed checkpoint of the audit chains
 * when the log grew (one instance at a time; lib/audit checkpointOnSchedule).
 *
 * `lanes`: which of them this process runs — `all` (one process), or split between the workers
 * of one instance (lib/cluster): `prompt` (expiry, stages, webhooks, breakers, rollouts: late
 * by a turn, late for someone) on the control-plane worker, `bulk` (unusual-access scans, the
 * hourly upkeep, checkpoints — the minute's incremental chain verification hashes every new
 * event) on a data-plane worker, whose CPU is throughput anyway, so a halt isn't served beside
 * it (issue 16: halt p99 under load 129 ms with the checkpoint on the control-plane worker,
 * 86 ms without it).
 *
 * Makes sure the checkpoint and receipt keys exist first (generated into the data directory
 * unless WARDEN_CHECKPOINT_KEY / WARDEN_RECEIPT_KEY is set); throws Error when a configured key
 * is malformed.
 * Returns a stop function that waits for the runs in progress.
 */
export function startJobs(everyMs = 1000, lanesToRun: JobLanes = "all"): () => Promise<void> {
  ensureSigningKey("checkpoints");
  ensureSigningKey("receipts");
  const checkpointEveryMs = Number(process.env.WARDEN_CHECKPOINT_INTERVAL_SECONDS ?? 60) * 1000;
  const hourly = () => Promise.all([ensureAuditPartitions(), pruneSignals(), pruneReservations(async (sql, params) => (await pool().query(sql, params)).rows)]);
  const all: { name: string; kind: "prompt" | "bulk"; every: number; job: () => Promise<unknown>; running: Promise<unknown> | null; timer?: NodeJS.Timeout }[] = [
    { name: "expiry", kind: "prompt", every: everyMs, job: expireDueActions, running: null },
    { name: "stages", kind: "prompt", every: Math.min(STAGE_SWEEP_MS, everyMs), job: () => escalateDueActions(), running: null },
    { name: "webhooks", kind: "prompt", every: everyMs, job: () => deliverDueWebhooks(), running: null },
    { name: "breakers", kind: "prompt", every: everyMs, job: () => evaluateBreakers(), running: null },
    { name: "rollouts", kind: "prompt", every: everyMs, job: () => evaluateRollouts(), running: null },
    { name: "anomalies", kind: "bulk", every: MINUTE, job: () => detectAnomalies(), running: null },
    { name: "hourly", kind: "bulk", every: HOUR, job: hourly, running: null },
    { name: "checkpoints", kind: "bulk", every: checkpointEveryMs, job: checkpointOnSchedule, running: null },
  ];
  const lanes = all.filter((l) => lanesToRun === "all" || l.kind === lanesToRun);
  for (const lane of lanes) {
    const tick = () => {
      if (lane.running) return;
      lane.running = lane
        .job()
        .catch((err: unknown) => console.error(`[jobs] ${lane.name}:`, (err as Error).message))
        .finally(() => (lane.running = null));
    };
    lane.timer = setInterval(tick, lane.every);
    lane.timer.unref();
  }
  return async () => {
    for (const lane of lanes) clearInterval(lane.timer);
    await Promise.all(lanes.map((l) => l.running));
  };
}
