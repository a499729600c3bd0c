import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../lib/db/index.ts";
import { halt } from "../../lib/killswitch/index.ts";
import { cohortRates, getOverview } from "../../lib/overview/index.ts";
import { createPolicy, policySpecSchema } from "../../lib/policies/index.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { switchToFreshDatabase } from "../support/db.ts";
import { GET as overviewRoute } from "../../app/api/overview/route.ts";
import { call, unique, userWithToken } from "../support/fixtures.ts";

describe("the overview's numbers", () => {
  let dp: Awaited<ReturnType<typeof startDataPlane>>;
  beforeAll(async () => {
    await switchToFreshDatabase();
    dp = await startDataPlane();
  });
  afterAll(async () => {
    await dp.close();
  });

  it("counts decisions per minute and per cohort, ranks agents and policies, and shows the queue and the halts", async () => {
    const cohort = unique("shop");
    const busy = await newAgent({ cohort });
    const quiet = await newAgent({ cohort });
    const other = await newAgent({ cohort: unique("other") });
    const deny = await createPolicy({ spec: policySpecSchema.parse({ name: unique("floor"), effect: "deny", target: { cohorts: [cohort] }, condition: "input.price < 10.0", message: "too cheap" }), actor: "system", userId: null });
    const hold = await createPolicy({ spec: policySpecSchema.parse({ name: unique("big"), effect: "require_approval", target: { cohorts: [cohort] }, condition: "input.qty > 100" }), actor: "system", userId: null });
    await createPolicy({ spec: policySpecSchema.parse({ name: unique("trial"), effect: "deny", mode: "shadow", target: { cohorts: [cohort] }, condition: "input.qty > 5" }), actor: "system", userId: null });

    const b = client(dp.base, busy.apiKey);
    for (const input of [{ price: 50, qty: 1 }, { price: 50, qty: 1 }, { price: 5, qty: 1 }, { price: 5, qty: 1 }, { price: 50, qty: 500 }, { price: 50, qty: 6 }]) {
      expect((await b.ask({ action: "pricing.set", input })).status).toBe(200);
    }
    await client(dp.base, quiet.apiKey).ask({ action: "pricing.set", input: { price: 50, qty: 1 } });
    await client(dp.base, other.apiKey).ask({ action: "x.y", input: {} });
    await halt({ scope: { kind: "agent", agentId: other.agent.id }, reason: "testing the overview", actor: "system" });

    const o = await getOverview();
    expect(o.perMinute).toHaveLength(60);
    expect(o.perMinute.at(-1)!.minute <= o.generatedAt).toBe(true);
    expect(o.lastHour).toEqual({ allowed: 5, denied: 2, escalated: 1, total: 8 });
    expect(o.perMinute.reduce((n, m) => n + m.allowed + m.denied + m.escalated, 0)).toBe(8);

    const shop = o.cohorts.find((c) => c.cohort === cohort)!;
    expect(shop).toMatchObject({ total: 7, denied: 2, escalated: 1, denyRate: 2 / 7, escalationRate: 1 / 7, halted: false });
    expect(await cohortRates()).toContainEqual(shop);

    expect(o.busiestAgents.map((a) => a.total)).toEqual([6, 1, 1]);
    expect(new Set(o.busiestAgents.slice(1).map((a) => a.id))).toEqual(new Set([other.agent.id, quiet.agent.id]));
    expect(o.busiestAgents[0]).toMatchObject({ id: busy.agent.id, allowed: 3, denied: 2, escalated: 1, total: 6 });
    expect(o.busiestAgents.find((a) => a.id === other.agent.id)).toMatchObject({ halted: true });

    // The deny fired twice, the hold once; the shadow trial matched twice (qty 500 and 6) without enforcing.
    expect(o.topPolicies.find((p) => p.policyId === deny.id)).toMatchObject({ fired: 2, shadow: 0, effect: "deny" });
    expect(o.topPolicies.find((p) => p.policyId === hold.id)).toMatchObject({ fired: 1, shadow: 0, effect: "require_approval" });
    expect(o.topPolicies.find((p) => p.shadow > 0)).toMatchObject({ fired: 0, shadow: 2 });
    expect(o.topPolicies[0]!.fired + o.topPolicies[0]!.shadow).toBeGreaterThanOrEqual(2);

    const { rows } = await pool().query<{ created_at: Date }>(`SELECT created_at FROM actions WHERE status = 'PENDING'`);
    expect(o.pending).toEqual({ count: 1, oldestAt: rows[0]!.created_at.toISOString() });
    expect(o.halted.agents).toEqual([expect.objectContaining({ id: other.agent.id, reason: "testing the overview" })]);
    expect(o.halted.global).toBeNull();
    expect(o.agents).toEqual({ total: 3, halted: 1 });

    // The API serves the same read, to signed-in users only.
    expect((await call(overviewRoute, { path: "/api/overview" })).status).toBe(401);
    const viewer = await userWithToken("viewer");
    const served = await call(overviewRoute, { token: viewer.token, path: "/api/overview" });
    expect(served.status).toBe(200);
    expect(served.json).toMatchObject({ lastHour: o.lastHour, agents: o.agents });
  });
});
