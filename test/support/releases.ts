import * as versionsRoute from "../../app/api/agents/[id]/versions/route.ts";
import * as rolloutsRoute from "../../app/api/agents/[id]/rollouts/route.ts";
import * as rolloutRoute from "../../app/api/rollouts/[id]/route.ts";
import * as controlRoute from "../../app/api/rollouts/[id]/[control]/route.ts";
import { pool } from "../../lib/db/index.ts";
import { evaluateRollouts } from "../../lib/releases/index.ts";
import { call } from "./fixtures.ts";

/** The Releases API as a script would call it (through the route handlers). */
export function releasesApi(token: string) {
  return {
    register: (agentId: string, body: unknown) => call(versionsRoute.POST, { token, body, params: { id: agentId } }),
    versions: (agentId: string) => call(versionsRoute.GET, { token, params: { id: agentId } }),
    start: (agentId: string, body: unknown) => call(rolloutsRoute.POST, { token, body, params: { id: agentId } }),
    rollouts: (agentId: string) => call(rolloutsRoute.GET, { token, params: { id: agentId } }),
    rollout: (id: string) => call(rolloutRoute.GET, { token, params: { id } }),
    control: (id: string, control: string, body: unknown) => call(controlRoute.POST, { token, body, params: { id, control } }),
  };
}

/** Runs the guard job until `until(outcome)` or the deadline (the job's own 2 s spacing bypassed). */
export async function evaluateUntil(rolloutId: string, until: (status: string, step: number) => boolean, deadlineMs = 20_000): Promise<{ status: string; step: number }> {
  const end = Date.now() + deadlineMs;
  for (;;) {
    await evaluateRollouts({ everyMs: 0 });
    const { rows } = await pool().query<{ status: string; step: number }>(`SELECT lower(status::text) AS status, step FROM rollouts WHERE id = $1`, [rolloutId]);
    const r = rows[0]!;
    if (until(r.status, r.step)) return r;
    if (Date.now() > end) throw new Error(`rollout ${rolloutId} still ${r.status} at step ${r.step}`);
    await new Promise((res) => setTimeout(res, 50));
  }
}

/** Audit kinds recorded about a rollout, oldest first. */
export async function rolloutAuditKinds(rolloutId: string): Promise<string[]> {
  const { rows } = await pool().query<{ kind: string }>(`SELECT kind FROM audit_events WHERE subject = $1 ORDER BY seq`, [`rollout:${rolloutId}`]);
  return rows.map((r) => r.kind);
}

/** Webhook deliveries queued for an event, payloads' data. */
export async function webhookData(event: string, rolloutId: string): Promise<Record<string, unknown>[]> {
  const { rows } = await pool().query<{ payload: { data: Record<string, unknown> } }>(`SELECT payload FROM webhook_deliveries WHERE event = $1 AND payload->'data'->>'rolloutId' = $2 ORDER BY created_at`, [event, rolloutId]);
  return rows.map((r) => r.payload.data);
}

/** A webhook subscribed to the rollout events (rows only: nothing is delivered in these tests). */
export async function subscribeRolloutWebhooks(): Promise<void> {
  await pool().query(
    `INSERT INTO webhooks (id, url, events, secret, enabled, updated_at) VALUES ('whk_' || md5(random()::text), 'https://hooks.example.com/releases', ARRAY['rollout.step','rollout.rolled_back','rollout.completed'], 'whsec_test', true, now())`,
  );
}
