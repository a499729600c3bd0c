/** Background jobs every instance runs (expiry, webhook delivery, audit partitions); see startJobs. */
import { ensureAuditPartitions } from "../audit/index.ts";
import { expireDueActions } from "../actions/index.ts";
import { deliverDueWebhooks } from "../webhooks/index.ts";

/**
 * Background work every instance runs: expiring pending actions whose time ran out, and
 * sending due webhook deliveries. Both claim rows with SKIP LOCKED, so instances share the
 * work without doing anything twice. Hourly, the audit log's partitions for the months ahead
 * (idempotent).
 */
const HOUR = 3_600_000;

export function startJobs(everyMs = 1000): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  let partitionsDueAt = Date.now() + HOUR;
  const tick = () => {
    if (running) return;
    const partitions = Date.now() >= partitionsDueAt ? ensureAuditPartitions().finally(() => (partitionsDueAt = Date.now() + HOUR)) : null;
    running = Promise.allSettled([expireDueActions(), deliverDueWebhooks(), partitions])
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
