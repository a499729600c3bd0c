import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as anomaliesRoute from "../../app/api/anomalies/route.ts";
import * as settingsRoute from "../../app/api/settings/anomalies/route.ts";
import { detectAnomalies } from "../../lib/anomalies/index.ts";
import { listAuditEvents } from "../../lib/audit/index.ts";
import { breakerSpecSchema, createBreaker, getBreaker } from "../../lib/breakers/index.ts";
import { pool } from "../../lib/db/index.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { call, unique, userWithToken } from "../support/fixtures.ts";

let dp: Awaited<ReturnType<typeof startDataPlane>>;
beforeAll(async () => {
  dp = await startDataPlane();
  await pool().query(`INSERT INTO webhooks (id, url, events, secret, updated_at) VALUES ('wh_anomalies', 'https://hooks.example.com/a', ARRAY['anomaly.detected'], 'whsec_test', now())`);
});
afterAll(() => dp.close());

/** Seven days of ordinary hours before `hour`: 20–29 order refunds an hour (one hour 35, one 40), a few with personal data. */
async function seedBaseline(agentId: string, hour: Date) {
  const rows: string[] = [];
  for (let h = 1; h <= 168; h++) {
    const at = new Date(hour.getTime() - h * 3_600_000).toISOString();
    const requests = h === 30 ? 40 : h === 90 ? 35 : 20 + (h % 10);
    rows.push(`('${agentId}', '', '${at}', 'orders.refund', 'order', 99, ${requests}, ${h % 4})`);
  }
  await pool().query(`INSERT INTO signal_usage (agent_id, version, hour, action, resource_kind, shard, requests, pii) VALUES ${rows.join(", ")}`);
}

describe("unusual access", () => {
  it("fires on a spike, a new action and a new resource kind — explained in words — and stays quiet on normal traffic", async () => {
    const cohort = unique("cs");
    const [quiet, spiky, fresh] = [await newAgent({ cohort }), await newAgent({ cohort }), await newAgent({ cohort })];
    const breaker = await createBreaker({
      spec: breakerSpecSchema.parse({ name: unique("unusual"), scope: { agent: spiky.agent.id }, metric: "deny_rate", windowSeconds: 300, threshold: 0.9, minSamples: 1000, openOnAnomaly: true }),
      actor: "system",
      userId: null,
    });
    // This hour's real traffic through the data plane.
    const q = client(dp.base, quiet.apiKey);
    for (let i = 0; i < 25; i++) await q.ask({ action: "orders.refund", resource: `order:Q-${i}`, input: { amount: 10 } });
    const s = client(dp.base, spiky.apiKey);
    for (let i = 0; i < 6; i++) await s.ask({ action: "orders.refund", resource: `order:S-${i}`, input: { amount: 10 }, context: { customer: { email: `shopper${i}@example.com` } } });
    await s.ask({ action: "customers.read", resource: "customer:C-1" });
    await client(dp.base, fresh.apiKey).ask({ action: "customers.export", resource: "customer:*" }); // new agent: no baseline yet

    // The hour the signals counted it in, and the 7 days before it.
    const hour = (await pool().query<{ hour: Date }>(`SELECT max(hour) AS hour FROM signal_usage WHERE agent_id = $1`, [spiky.agent.id])).rows[0]!.hour;
    await seedBaseline(quiet.agent.id, hour);
    await seedBaseline(spiky.agent.id, hour);
    // And the spike: 1,240 more order records this hour, 300 of them carrying personal data.
    await pool().query(`INSERT INTO signal_usage (agent_id, version, hour, action, resource_kind, shard, requests, pii) VALUES ($1, '', $2, 'orders.refund', 'order', 99, 1240, 300)`, [spiky.agent.id, hour]);

    const found = await detectAnomalies({ hour });
    const mine = found.filter((f) => [quiet.agent.id, spiky.agent.id, fresh.agent.id].includes(f.agentId));
    expect(mine.filter((f) => f.agentId !== spiky.agent.id)).toEqual([]);
    const byKind = Object.fromEntries(mine.map((f) => [f.kind, f.explanation]));
    expect(byKind).toEqual({
      new_action: "used customers.read for the first time (1 request this hour); in the last 7 days it used only orders.refund",
      new_resource_kind: "touched customer resources for the first time (1 this hour); in the last 7 days it touched only order",
      records_per_hour: "touched 1,246 order records this hour; its 7-day hourly p99 is 35",
      pii_per_hour: "sent 306 requests carrying personal data this hour; its 7-day hourly p99 is 3",
    });

    // Recorded once, audited and sent, shown on the agent; the breaker marked for it opened.
    expect((await detectAnomalies({ hour })).filter((f) => f.agentId === spiky.agent.id)).toEqual([]);
    const audit = (await listAuditEvents({ agent: spiky.agent.id, kind: "anomaly.detected", limit: 10 })).events;
    expect(audit).toHaveLength(4);
    const hooks = await pool().query(`SELECT payload FROM webhook_deliveries WHERE event = 'anomaly.detected' AND payload->'data'->>'agentId' = $1`, [spiky.agent.id]);
    expect(hooks.rows.map((r) => r.payload.data.kind).sort()).toEqual(["new_action", "new_resource_kind", "pii_per_hour", "records_per_hour"]);
    const viewer = await userWithToken("viewer");
    const listed = await call(anomaliesRoute.GET, { token: viewer.token, path: `/api/anomalies?agent=${spiky.agent.id}` });
    expect(listed.json.anomalies).toHaveLength(4);
    expect(listed.json.anomalies.some((a: { breakersOpened: string[] }) => a.breakersOpened.includes(breaker.name))).toBe(true);
    expect(await getBreaker(breaker.id)).toMatchObject({ state: "open", holds: { kind: "agent", id: spiky.agent.id }, openedBecause: { cause: "anomaly" } });
    expect((await s.ask({ action: "orders.refund", resource: "order:S-9", input: { amount: 1 } })).json.reasons[0].code).toBe("circuit_open");
  });

  it("needs a minimum volume before a spike counts", async () => {
    const a = await newAgent();
    await client(dp.base, a.apiKey).ask({ action: "orders.refund", resource: "order:1" });
    const hour = (await pool().query<{ hour: Date }>(`SELECT max(hour) AS hour FROM signal_usage WHERE agent_id = $1`, [a.agent.id])).rows[0]!.hour;
    // A quiet agent: one order an hour. 40 this hour is 40× its p99, but under the minimum volume (50).
    const rows = Array.from({ length: 168 }, (_, h) => `('${a.agent.id}', '', '${new Date(hour.getTime() - (h + 1) * 3_600_000).toISOString()}', 'orders.refund', 'order', 99, 1, 0)`);
    await pool().query(`INSERT INTO signal_usage (agent_id, version, hour, action, resource_kind, shard, requests, pii) VALUES ${rows.join(", ")}`);
    await pool().query(`INSERT INTO signal_usage (agent_id, version, hour, action, resource_kind, shard, requests, pii) VALUES ($1, '', $2, 'orders.refund', 'order', 98, 39, 0)`, [a.agent.id, hour]);
    expect((await detectAnomalies({ hour })).filter((f) => f.agentId === a.agent.id)).toEqual([]);
    await pool().query(`UPDATE signal_usage SET requests = requests + 10 WHERE agent_id = $1 AND hour = $2 AND shard = 98`, [a.agent.id, hour]);
    expect((await detectAnomalies({ hour })).filter((f) => f.agentId === a.agent.id).map((f) => f.explanation)).toEqual(["touched 50 order records this hour; its 7-day hourly p99 is 1"]);
  });

  it("takes its factor and minimum volume from settings that only admins change, audited, refusing bad values", async () => {
    const [admin, operator] = [await userWithToken("admin"), await userWithToken("operator")];
    expect((await call(settingsRoute.GET, { token: operator.token })).json).toMatchObject({ factor: 5, minVolume: 50, minHistoryHours: 24 });
    expect((await call(settingsRoute.PUT, { method: "PUT", token: operator.token, body: { factor: 3, minVolume: 10, minHistoryHours: 24 } })).status).toBe(403);
    for (const bad of [{ factor: 1, minVolume: 10, minHistoryHours: 24 }, { factor: 3, minVolume: 0, minHistoryHours: 24 }, { factor: 3, minVolume: 10, minHistoryHours: 500 }, { factor: 3 }]) {
      const res = await call(settingsRoute.PUT, { method: "PUT", token: admin.token, body: bad });
      expect(res.status, JSON.stringify(bad)).toBe(400);
    }
    const ok = await call(settingsRoute.PUT, { method: "PUT", token: admin.token, body: { factor: 3, minVolume: 10, minHistoryHours: 12 } });
    expect(ok.json).toMatchObject({ factor: 3, minVolume: 10, minHistoryHours: 12 });
    const audit = (await listAuditEvents({ kind: "settings.updated", limit: 1 })).events[0]!;
    expect(audit.data).toMatchObject({ key: "anomalies", before: { factor: 5 }, after: { factor: 3 } });
  });
});
