/** Background jobs every instance runs (expiry, webhook delivery, audit partitions, containment); see startJobs. */
import { ensureAuditPartitions } from "../audit/index.ts";
import { expireDueActions } from "../actions/index.ts";
import { detectAnomalies } from "../anomalies/index.ts";
import { evaluateBreakers } from "../breakers/index.ts";
import { pruneReservations } from "../budgets/index.ts";
import { pool } from "../db/index.ts";
import { pruneSignals } from "../signals/index.ts";
import { deliverDueWebhooks } from "../webhooks/index.ts";

/**
 * Background work every instance runs: expiring pending actions whose time ran out, and
 * sending due webhook deliveries. Both claim rows with SKIP LOCKED, so instances share the
 * work without doing anything twice. Every tick, circuit breakers are evaluated (each
 * transition applies once, whichever instance gets there first); every minute, unusual
 * access is looked for (each alert recorded once). Hourly, the audit log's partitions for the
 * months ahead (idempotent); old signal buckets and budget reservations no window counts any
 * more are pruned.
 */
const HOUR = 3_600_000;
const MINUTE = 60_000;

export function startJobs(everyMs = 1000): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  let partitionsDueAt = Date.now() + HOUR;
  let anomaliesDueAt = Date.now() + MINUTE;
  const tick = () => {
    if (running) return;
    const hourly = Date.now() >= partitionsDueAt ? Promise.all([ensureAuditPartitions(), pruneSignals(), pruneReservations(async (sql, params) => (await pool().query(sql, params)).rows)]).finally(() => (partitionsDueAt = Date.now() + HOUR)) : null;
    const anomalies = Date.now() >= anomaliesDueAt ? detectAnomalies().finally(() => (anomaliesDueAt = Date.now() + MINUTE)) : null;
    running = Promise.allSettled([expireDueActions(), deliverDueWebhooks(), evaluateBreakers(), hourly, anomalies])
      .then((results) => {
        for (const r of results) if (r.status === "rejected") console.error("[jobs]", (r.reason as Error).message);
      })
      .finally(() => (running = null));
  };
  const timer = setInterval(tick, everyMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
