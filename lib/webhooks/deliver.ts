import { createHmac } from "node:crypto";
import { pool } from "../db/index.ts";
import type { Resolver } from "./address-guard.ts";
import { sendWebhook } from "./send.ts";
import { slackMessage } from "./slack.ts";

export const MAX_ATTEMPTS = 8;
const LEASE_SECONDS = 60;

/** `X-Warden-Signature: v1=<hex>`: HMAC-SHA256 of `<timestamp>.<body>` with the webhook's secret. */
export function sign(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac("sha256", secret).update(`${timestamp}.${body}`).digest("hex")}`;
}

/** Seconds before attempt n+1: 5 s, 10 s, 20 s … capped at an hour. */
export function backoffSeconds(attempts: number): number {
  return Math.min(3600, 5 * 2 ** Math.max(0, attempts - 1));
}

type Claimed = { id: string; event: string; payload: { event: string; at: string; data: unknown }; attempts: number; url: string; secret: string; format: string };

/**
 * Sends the deliveries that are due. Each is leased first (next_attempt_at pushed out in its
 * own short transaction), so instances never send the same one twice at once and no
 * transaction stays open during HTTP. Sending checks every address as it connects (send.ts):
 * a receiver inside the network is refused unless WARDEN_WEBHOOK_ALLOWED_HOSTS admits it.
 * `last_error` records only "HTTP <status>", "refused: …" (the address guard said no),
 * "unresolvable: host not found" / "unresolvable: lookup failed" (DNS gave no address),
 * "connection failed" or "timed out".
 * `resolve` replaces the system resolver (tests point a name at an address with it).
 */
export async function deliverDueWebhooks(opts: { limit?: number; timeoutMs?: number; resolve?: Resolver } = {}): Promise<number> {
  const { rows } = await pool().query<Claimed>(
    `UPDATE webhook_deliveries d SET next_attempt_at = now() + make_interval(secs => ${LEASE_SECONDS}), attempts = d.attempts + 1
       FROM webhooks w
      WHERE d.id IN (SELECT id FROM webhook_deliveries WHERE status = 'PENDING' AND next_attempt_at <= now() ORDER BY next_attempt_at LIMIT $1 FOR UPDATE SKIP LOCKED)
        AND w.id = d.webhook_id
      RETURNING d.id, d.event, d.payload, d.attempts, w.url, w.secret, w.format`,
    [opts.limit ?? 20],
  );
  await Promise.all(
    rows.map(async (d) => {
      // The endpoint's format: Warden's payload, or a Slack Block Kit message (signed alike).
      const body = d.format === "slack" ? JSON.stringify(slackMessage(d.payload)) : JSON.stringify({ id: d.id, ...d.payload });
      const ts = Math.floor(Date.now() / 1000);
      let status: number | null = null;
      let error: string | null = null;
      const sent = await sendWebhook({
        url: d.url,
        headers: { "content-type": "application/json", "user-agent": "warden-webhooks/1", "x-warden-event": d.event, "x-warden-delivery": d.id, "x-warden-timestamp": String(ts), "x-warden-signature": sign(d.secret, ts, body) },
        body,
        timeoutMs: opts.timeoutMs ?? 5000,
        ...(opts.resolve ? { resolve: opts.resolve } : {}),
      });
      if ("status" in sent) {
        status = sent.status;
        if (status < 200 || status >= 300) error = `HTTP ${status}`;
      } else {
        error = sent.failure;
      }
      if (!error) {
        await pool().query(`UPDATE webhook_deliveries SET status = 'DELIVERED', delivered_at = now(), response_status = $2, last_error = NULL WHERE id = $1`, [d.id, status]);
      } else if (d.attempts >= MAX_ATTEMPTS) {
        await pool().query(`UPDATE webhook_deliveries SET status = 'FAILED', response_status = $2, last_error = $3 WHERE id = $1`, [d.id, status, error]);
      } else {
        await pool().query(`UPDATE webhook_deliveries SET next_attempt_at = now() + make_interval(secs => $4), response_status = $2, last_error = $3 WHERE id = $1`, [d.id, status, error, backoffSeconds(d.attempts)]);
      }
    }),
  );
  return rows.length;
}
