import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as auditRoute from "../../app/api/audit/route.ts";
import * as healthRoute from "../../app/api/health/route.ts";
import * as overviewRoute from "../../app/api/overview/route.ts";
import { pool } from "../../lib/db/index.ts";
import { halt } from "../../lib/killswitch/index.ts";
import type { Overview } from "../../lib/overview/index.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { useDatabase } from "../support/db.ts";
import { call, unique, userWithToken } from "../support/fixtures.ts";
import { streamingReplica } from "../support/streaming-replica.ts";

async function until<T>(what: string, probe: () => Promise<T>, ok: (v: T) => boolean, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await probe();
    if (ok(v)) return v;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}; last: ${JSON.stringify(v).slice(0, 400)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

// A real primary and a real hot standby streaming from it (test/support/streaming-replica.ts).
describe("read replica (DATABASE_REPLICA_URL)", () => {
  let rs: Awaited<ReturnType<typeof streamingReplica>>;
  let dp: Awaited<ReturnType<typeof startDataPlane>>;
  const saved = { db: process.env.DATABASE_URL ?? "", url: process.env.DATABASE_REPLICA_URL, lag: process.env.WARDEN_REPLICA_MAX_LAG_MS };

  beforeAll(async () => {
    rs = await streamingReplica();
    process.env.DATABASE_REPLICA_URL = rs.replicaUrl;
    process.env.WARDEN_REPLICA_MAX_LAG_MS = "60000";
    await useDatabase(rs.primaryUrl);
    dp = await startDataPlane();
  }, 120_000);
  afterAll(async () => {
    await dp?.close();
    for (const [k, v] of [["DATABASE_REPLICA_URL", saved.url], ["WARDEN_REPLICA_MAX_LAG_MS", saved.lag]] as const) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    await useDatabase(saved.db); // closes the pools on the primary and the replica
    await rs?.dispose();
  });

  it("serves the overview and the audit explorer from the replica, halts and decisions from the primary, and falls back when the replica lags or stops", { timeout: 120_000 }, async () => {
    const viewer = await userWithToken("viewer");
    const overview = async () => {
      const r = await call(overviewRoute.GET, { token: viewer.token, path: "/api/overview" });
      expect(r.status).toBe(200);
      return r.json as Overview;
    };
    const health = async () => (await call(healthRoute.GET, { path: "/api/health" })).json as { ok: boolean; replica?: { state: string; lagMs: number | null; replayPaused: boolean } };
    const a = await newAgent({ cohort: unique("shop") });
    const b = await newAgent({ cohort: unique("ops") });
    const ask = async (agent: { apiKey: string }) => {
      const r = await client(dp.base, agent.apiKey).ask({ action: "pricing.set_price", input: { sku: "A-1" } });
      expect(r.status).toBe(200);
      expect(r.json.decision).toBe("allow");
    };
    for (let i = 0; i < 3; i++) await ask(a);

    // Caught up: the aggregates come from the replica, complete.
    let o = await until("the overview from the caught-up replica", overview, (v) => v.readFrom.server === "replica" && v.lastHour.total === 3);
    expect(await rs.replicaClients()).toContain("warden-replica-reads");
    expect((await health()).replica).toMatchObject({ state: "streaming", replayPaused: false });

    // Replay paused: the primary moves on. Decisions are unaffected; the replica's aggregates
    // stay behind (proof they come from the replica), while the halt shows at once (primary).
    await rs.pauseReplay();
    await ask(a);
    await ask(a);
    await halt({ scope: { kind: "cohort", name: a.agent.cohort }, reason: "replica test", actor: "system" });
    const newestSeq = (await pool().query<{ seq: number }>("SELECT max(seq) AS seq FROM audit_events")).rows[0]!.seq;
    o = await overview();
    expect(o.readFrom).toMatchObject({ server: "replica" });
    expect(o.lastHour.total).toBe(3);
    expect(o.halted.cohorts.map((c) => c.name)).toContain(a.agent.cohort);
    expect(o.cohorts.find((c) => c.cohort === a.agent.cohort)).toMatchObject({ halted: true, total: 3 });
    expect(o.busiestAgents.find((x) => x.id === a.agent.id)).toMatchObject({ halted: true });
    const audit = await call(auditRoute.GET, { token: viewer.token, path: "/api/audit?limit=5" });
    expect(audit.status).toBe(200);
    expect((audit.json as { events: { seq: number }[] }).events[0]!.seq).toBeLessThan(newestSeq);
    // The halt holds in the decision path whatever the replica says.
    expect((await client(dp.base, a.apiKey).ask({ action: "pricing.set_price", input: {} })).json.decision).toBe("deny");

    // Lag past the bound: reads go to the primary, fresh, and health says why.
    process.env.WARDEN_REPLICA_MAX_LAG_MS = "200";
    o = await until("the overview from the primary while the replica lags", overview, (v) => v.readFrom.server === "primary");
    expect(o.readFrom).toMatchObject({ server: "primary", reason: "lagging" });
    expect(o.lastHour.total).toBe(6); // 5 allowed + the halted denial
    expect((await health()).replica).toMatchObject({ state: "lagging", replayPaused: true });
    const fresh = await call(auditRoute.GET, { token: viewer.token, path: "/api/audit?limit=1" });
    expect((fresh.json as { events: { seq: number }[] }).events[0]!.seq).toBeGreaterThanOrEqual(newestSeq);

    // Replay resumed: caught up, the replica serves again.
    await rs.resumeReplay();
    await until("the overview from the replica again", overview, (v) => v.readFrom.server === "replica" && v.lastHour.total === 6);

    // Replica stopped: the dashboard keeps working from the primary; decisions are unaffected.
    await rs.stopReplica();
    o = await until("the overview from the primary without a replica", overview, (v) => v.readFrom.server === "primary");
    expect(["unreachable", "read_failed"]).toContain((o.readFrom as { reason: string }).reason);
    expect(o.lastHour.total).toBe(6);
    await ask(b);
    await until("health to report the replica unreachable", health, (h) => h.replica?.state === "unreachable");
    expect((await health()).ok).toBe(true);
  });
});
