import { expireDueActions } from "../decisions/index.ts";
import { deliverDueWebhooks } from "../webhooks/index.ts";

/**
 * Background work every instance runs: expiring pending actions whose time ran out, and
 * sending due webhook deliveries. Both claim rows with SKIP LOCKED, so instances share the
 * work without doing anything twice.
 */
export function startJobs(everyMs = 1000): () => Promise<void> {
  let running: Promise<unknown> | null = null;
  const tick = () => {
    if (running) return;
    running = Promise.allSettled([expireDueActions(), deliverDueWebhooks()])
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
