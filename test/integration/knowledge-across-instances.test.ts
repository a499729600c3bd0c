import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as policiesRoute from "../../app/api/policies/route.ts";
import * as setRoute from "../../app/api/knowledge/[set]/route.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { spawnInstance } from "../support/spawn-instance.ts";
import { call, unique } from "../support/fixtures.ts";
import { createSet, knowledgeTeam, publish, type Team } from "../support/knowledge.ts";

let team: Team;
let local: Awaited<ReturnType<typeof startDataPlane>>;
let remote: Awaited<ReturnType<typeof spawnInstance>>;

beforeAll(async () => {
  team = await knowledgeTeam();
  local = await startDataPlane();
  remote = await spawnInstance();
}, 60_000);
afterAll(async () => {
  await local.close();
  await remote.stop();
});

/** Reads the record on one instance until it answers `version` (a deadline only stops a hang). */
async function untilServed(read: () => Promise<{ json: { version?: number } }>, version: number, deadlineMs = 10_000) {
  const until = Date.now() + deadlineMs;
  for (;;) {
    const r = await read();
    if (r.json.version === version) return r.json;
    if (Date.now() > until) throw new Error(`still version ${r.json.version} after ${deadlineMs} ms`);
  }
}

describe("a publish across two instances on one database", () => {
  it("is served by the other instance, which holds no timer-based cache, once the NOTIFY arrives; and a revoked grant holds there too", async () => {
    const cohort = unique("pricing");
    const set = await createSet(team, { readers: { cohorts: [cohort] } });
    await publish(team, set, { upsert: [{ key: "LUX-001", value: { floor: 100 }, source: "erp" }] });
    const a = await newAgent({ cohort });
    const there = client(remote.base, a.apiKey);
    const here = client(local.base, a.apiKey);
    // Both instances hold version 1.
    expect((await there.raw("GET", `/v1/knowledge/${set}/LUX-001`)).json).toMatchObject({ version: 1, value: { floor: 100 } });
    expect((await here.raw("GET", `/v1/knowledge/${set}/LUX-001`)).json).toMatchObject({ version: 1 });

    for (const [version, floor] of [[2, 120], [3, 130]] as const) {
      expect(await publish(team, set, { upsert: [{ key: "LUX-001", value: { floor }, source: "erp" }] })).toBe(version);
      // The publishing instance serves it as soon as the publish call returned.
      expect((await here.raw("GET", `/v1/knowledge/${set}/LUX-001`)).json).toMatchObject({ version, value: { floor } });
      expect(await untilServed(() => there.raw("GET", `/v1/knowledge/${set}/LUX-001`), version)).toMatchObject({ value: { floor } });
    }
    // The other instance's decisions use the new version too.
    await call(policiesRoute.POST, { token: team.admin.token, body: { name: unique("floor"), effect: "deny", target: { cohorts: [cohort] }, condition: `input.price < data["${set}"][input.sku].floor` } });
    let decided: { decision?: string; reasons?: { message: string }[] } = {};
    const until = Date.now() + 10_000;
    while (decided.decision !== "deny" && Date.now() < until) decided = (await there.ask({ action: "pricing.set_price", input: { sku: "LUX-001", price: 125 } })).json;
    expect(decided.decision).toBe("deny"); // 125 < 130 (v3)

    // Taking the cohort off the readers holds on the other instance too.
    const patched = await call(setRoute.PATCH, { method: "PATCH", token: team.admin.token, params: { set }, body: { readers: { cohorts: [] } } });
    expect(patched.status).toBe(200);
    expect((await here.raw("GET", `/v1/knowledge/${set}/LUX-001`)).status).toBe(403);
    let status = 200;
    const by = Date.now() + 10_000;
    while (status !== 403 && Date.now() < by) status = (await there.raw("GET", `/v1/knowledge/${set}/LUX-001`)).status;
    expect(status).toBe(403);
  });
});
