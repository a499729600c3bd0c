import type pg from "pg";
import { prepared, type SqlRunner } from "../db/index.ts";
import type { WebhookEvent, WebhookPayloads } from "./events.ts";

const ENQUEUE_SQL = `INSERT INTO webhook_deliveries (id, webhook_id, event, payload, next_attempt_at, created_at)
  SELECT 'whd_' || replace(gen_random_uuid()::text, '-', ''), w.id, $1::text, p, now(), now()
    FROM webhooks w CROSS JOIN unnest($2::jsonb[]) AS p WHERE w.enabled AND $1::text = ANY(w.events)`;

/**
 * One statement (prepared, so it can join a pipelined round trip) that queues a delivery of
 * each payload per enabled webhook subscribed to the event; it inserts nothing when none is.
 * The body is `{event, at, data}`.
 */
export function enqueueSql<E extends WebhookEvent>(event: E, data: WebhookPayloads[E] | WebhookPayloads[E][]): pg.QueryConfig {
  const list = Array.isArray(data) ? data : [data];
  const at = new Date().toISOString();
  return prepared(ENQUEUE_SQL, [event, list.map((d) => JSON.stringify({ event, at, data: d }))]);
}

/** Queues deliveries inside the caller's transaction: they exist only if the change commits. */
export async function enqueueWebhook<E extends WebhookEvent>(run: SqlRunner, event: E, data: WebhookPayloads[E] | WebhookPayloads[E][]): Promise<void> {
  if (Array.isArray(data) && data.length === 0) return;
  const st = enqueueSql(event, data);
  await run(st.text, st.values ?? []);
}
