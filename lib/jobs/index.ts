/** Background jobs every instance runs (expiry, webhook delivery, audit partitions, signed checkpoints); see startJobs. */
import { checkpointOnSchedule, ensureAuditPartitions } from "../audit/index.ts";
import { expireDueActions } from "../actions/index.ts";
import { ensureSigningKey } from "../signing/index.ts";
import { deliverDueWebhooks } from "../webhooks/index.ts";

/**
 * Background work every instance runs: expiring pending actions whose time ran out, and
 * sending due webhook deliveries. Both claim rows with SKIP LOCKED, so instances share the
 * work without doing anything twice. Hourly, the audit log's partitions for the months ahead
 * (idempotent). Every `WARDEN_CHECKPOINT_INTERVAL_SECONDS` (60), a signed checkpoint of the
 * audit chains when the log grew (one instance at a time; lib/audit checkpointOnSchedule).
 *
 * Makes sure the checkpoint and receipt keys exist first (generated into the data directory
 * unless WARDEN_CHECKPOINT_KEY / WARDEN_RECEIPT_KEY is set); throws Error when a configured key
 * is malformed.
 */
const HOUR = 3_600_000;

export function startJobs(everyMs = 1000): () => Promise<void> {
  ensureSigningKey("checkpoints");
  ensureSigningKey("receipts");
  const checkpointEveryMs = Number(process.env.WARDEN_CHECKPOINT_INTERVAL_SECONDS ?? 60) * 1000;
  let running: Promise<unknown> | null = null;
  let partitionsDueAt = Date.now() + HOUR;
  let checkpointDueAt = Date.now() + checkpointEveryMs;
  const tick = () => {
    if (running) return;
    const partitions = Date.now() >= partitionsDueAt ? ensureAuditPartitions().finally(() => (partitionsDueAt = Date.now() + HOUR)) : null;
    const checkpoint = Date.now() >= checkpointDueAt ? checkpointOnSchedule().finally(() => (checkpointDueAt = Date.now() + checkpointEveryMs)) : null;
    running = Promise.allSettled([expireDueActions(), deliverDueWebhooks(), partitions, checkpoint])
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
