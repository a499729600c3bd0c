import pg from "pg";
import type { SqlRunner } from "../audit/index.ts";

export const WEBHOOK_EVENTS = ["approval.requested", "approval.decided", "cohort.halted", "agent.halted", "global.halted"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/**
 * One statement (literal SQL, so it can join a multi-statement round trip) that queues a
 * delivery per enabled webhook subscribed to the event; it inserts nothing when none is.
 */
export function enqueueSql(event: WebhookEvent, data: Record<string, unknown>): string {
  const e = pg.escapeLiteral(event);
  const payload = pg.escapeLiteral(JSON.stringify({ event, at: new Date().toISOString(), data }));
  return `INSERT INTO webhook_deliveries (id, webhook_id, event, payload, next_attempt_at, created_at)
          SELECT 'whd_' || replace(gen_random_uuid()::text, '-', ''), w.id, ${e}, ${payload}::jsonb, now(), now()
            FROM webhooks w WHERE w.enabled AND ${e} = ANY(w.events)`;
}

/** Queues deliveries inside the caller's transaction: they exist only if the change commits. */
export async function enqueueWebhook(run: SqlRunner, event: WebhookEvent, data: Record<string, unknown>): Promise<void> {
  await run(enqueueSql(event, data), []);
}
