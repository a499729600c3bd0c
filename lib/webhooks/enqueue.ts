import pg from "pg";
import type { SqlRunner } from "../db/index.ts";
import type { WebhookEvent, WebhookPayloads } from "./events.ts";

/**
 * One statement (literal SQL, so it can join a multi-statement round trip) that queues a
 * delivery of each payload per enabled webhook subscribed to the event; it inserts nothing
 * when none is. The body is `{event, at, data}`.
 */
export function enqueueSql<E extends WebhookEvent>(event: E, data: WebhookPayloads[E] | WebhookPayloads[E][]): string {
  const list = Array.isArray(data) ? data : [data];
  const e = pg.escapeLiteral(event);
  const at = new Date().toISOString();
  const payloads = list.map((d) => `${pg.escapeLiteral(JSON.stringify({ event, at, data: d }))}::jsonb`).join(", ");
  return `INSERT INTO webhook_deliveries (id, webhook_id, event, payload, next_attempt_at, created_at)
          SELECT 'whd_' || replace(gen_random_uuid()::text, '-', ''), w.id, ${e}, p, now(), now()
            FROM webhooks w CROSS JOIN unnest(ARRAY[${payloads}]) AS p WHERE w.enabled AND ${e} = ANY(w.events)`;
}

/** Queues deliveries inside the caller's transaction: they exist only if the change commits. */
export async function enqueueWebhook<E extends WebhookEvent>(run: SqlRunner, event: E, data: WebhookPayloads[E] | WebhookPayloads[E][]): Promise<void> {
  if (Array.isArray(data) && data.length === 0) return;
  await run(enqueueSql(event, data), []);
}
