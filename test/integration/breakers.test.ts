import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as approveRoute from "../../app/api/approvals/[actionId]/route.ts";
import * as breakerRoute from "../../app/api/breakers/[id]/route.ts";
import * as resetRoute from "../../app/api/breakers/[id]/reset/route.ts";
import * as seriesRoute from "../../app/api/breakers/[id]/series/route.ts";
import * as breakersRoute from "../../app/api/breakers/route.ts";
import { listAuditEvents } from "../../lib/audit/index.ts";
import { evaluateBreakers } from "../../lib/breakers/index.ts";
import { pool } from "../../lib/db/index.ts";
import { createPolicy, policySpecSchema } from "../../lib/policies/index.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { call, unique, userWithToken } from "../support/fixtures.ts";

let dp: Awaited<ReturnType<typeof startDataPlane>>;
let operator: Awaited<ReturnType<typeof userWithToken>>;
let approver: Awaited<ReturnType<typeof userWithToken>>;
beforeAll(async () => {
  dp = await startDataPlane();
  operator = await userWithToken("operator");
  approver = await userWithToken("approver");
  await pool().query(`INSERT INTO webhooks (id, url, events, secret, updated_at) VALUES ('wh_breakers', 'https://hooks.example.com/x', ARRAY['breaker.opened', 'breaker.closed'], 'whsec_test', now())`);
});
afterAll(() => dp.close());

type Spec = Record<string, unknown>;
async function breaker(spec: Spec) {
  const res = await call(breakersRoute.POST, { token: operator.token, body: { name: unique("brk"), windowSeconds: 60, minSamples: 1, ...spec } });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  expect(res.json.state).toBe("closed");
  return res.json as { id: string; name: string };
}
const state = async (id: string) => (await call(breakerRoute.GET, { token: operator.token, params: { id } })).json as { state: string; value: number; samples: number; holds: { kind: string; id: string } | null; openedBecause: Record<string, unknown> | null };
const policy = (spec: Spec) => createPolicy({ spec: policySpecSchema.parse({ name: unique("p"), ...spec }), actor: "system", userId: null });
const opened = async (id: string) => (await pool().query(`SELECT payload FROM webhook_deliveries WHERE event = 'breaker.opened' AND payload->'data'->>'breakerId' = $1`, [id])).rows.map((r) => r.payload.data);

/** Evaluates (as the jobs loop does every second) and says what the breaker's state is. */
async function evaluated(id: string) {
  await evaluateBreakers({ everything: true });
  return state(id);
}

async function expectHeld(api: ReturnType<typeof client>, b: { name: string }) {
  const res = await api.ask({ action: "x.any", resource: "r:1" });
  expect(res.json).toMatchObject({ decision: "deny", reasons: [{ code: "circuit_open", breaker: { name: b.name } }] });
  const who = await api.raw("GET", "/v1/agent");
  expect(who.json.status).toBe("circuit_open");
  expect(who.json.circuitReason).toContain(b.name);
}

describe("breakers: bad input", () => {
  it("answers a clear 400 for an unknown metric, a window ≤ 0, a threshold out of range; 409 for resetting a closed breaker", async () => {
    const cohort = unique("c");
    await newAgent({ cohort });
    const base = { name: unique("bad"), scope: { cohort }, metric: "deny_rate", windowSeconds: 300, threshold: 0.2, minSamples: 20 };
    const cases: [Spec, RegExp][] = [
      [{ metric: "vibes" }, /metric/],
      [{ windowSeconds: 0 }, /windowSeconds/],
      [{ windowSeconds: -60 }, /windowSeconds/],
      [{ threshold: 1.5 }, /threshold.*rate/],
      [{ threshold: -0.1 }, /threshold/],
      [{ metric: "action_rate", threshold: 2.5 }, /whole number/],
      [{ opens: "agent" }, /opens/],
      [{ recovery: { mode: "half_open", cooldownSeconds: 0, probes: 3 } }, /cooldownSeconds/],
      [{ recovery: { mode: "eventually" } }, /recovery/],
    ];
    for (const [over, message] of cases) {
      const res = await call(breakersRoute.POST, { token: operator.token, body: { ...base, ...over } });
      expect(res.status, JSON.stringify(over)).toBe(400);
      expect(res.json.error.message, JSON.stringify(over)).toMatch(message);
    }
    expect((await call(breakersRoute.POST, { token: operator.token, body: { ...base, scope: { cohort: "nope-nope" } } })).json.error.code).toBe("invalid_scope");
    const b = await breaker({ scope: { cohort }, metric: "deny_rate", threshold: 0.2 });
    const again = await call(resetRoute.POST, { token: operator.token, params: { id: b.id }, body: { reason: "all good" } });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("breaker_closed");
    expect((await call(resetRoute.POST, { token: operator.token, params: { id: b.id }, body: { reason: "" } })).status).toBe(400);
    const viewer = await userWithToken("viewer");
    expect((await call(breakersRoute.POST, { token: viewer.token, body: base })).status).toBe(403);
  });
});

describe("breakers trip on each metric", () => {
  it("deny_rate: stays closed at or under the threshold, opens the cohort above it, and says which metric crossed what", async () => {
    const cohort = unique("pricing");
    const [a, b2] = [await newAgent({ cohort }), await newAgent({ cohort })];
    await policy({ effect: "deny", target: { cohorts: [cohort] }, condition: "has(input.bad) && input.bad == true", message: "Bad price" });
    const b = await breaker({ scope: { cohort }, metric: "deny_rate", threshold: 0.5, minSamples: 10 });
    const api = client(dp.base, a.apiKey);
    for (let i = 0; i < 10; i++) await api.ask({ action: "pricing.set_price", input: { bad: i < 5 } }); // 50 %: not above
    expect(await evaluated(b.id)).toMatchObject({ state: "closed", value: 0.5, samples: 10 });
    await api.ask({ action: "pricing.set_price", input: { bad: true } }); // 6 / 11
    const s = await evaluated(b.id);
    expect(s).toMatchObject({ state: "open", holds: { kind: "cohort", id: cohort }, openedBecause: { cause: "metric", metric: "deny_rate", samples: 11, threshold: 0.5 } });
    expect(s.openedBecause!.message).toMatch(/deny rate 54\.5 % over the last 1 min \(11 samples\), above its threshold of 50 %/);
    // The whole cohort is held, every later action denied.
    await expectHeld(api, b);
    await expectHeld(client(dp.base, b2.apiKey), b);
    const audit = (await listAuditEvents({ kind: "breaker.opened", cohort, limit: 5 })).events;
    expect(audit).toHaveLength(1);
    expect(audit[0]!.data).toMatchObject({ metric: "deny_rate", threshold: 0.5, holds: { kind: "cohort", id: cohort } });
    expect(await opened(b.id)).toEqual([expect.objectContaining({ name: b.name, metric: "deny_rate", cause: "metric", samples: 11 })]);
    // Its own denials don't count: two more were held, the samples are still the 11 that opened it.
    expect(await state(b.id)).toMatchObject({ samples: 11, value: 6 / 11 });
  });

  it("escalation_rate: opens, and rejects the pending actions it covers", async () => {
    const cohort = unique("cs");
    const a = await newAgent({ cohort });
    await policy({ effect: "require_approval", target: { cohorts: [cohort] }, condition: "input.amount > 100.0" });
    const b = await breaker({ scope: { cohort }, metric: "escalation_rate", threshold: 0.3, minSamples: 6 });
    const api = client(dp.base, a.apiKey);
    const pending: string[] = [];
    for (const amount of [500, 10, 500, 10, 500, 10]) {
      const r = await api.ask({ action: "orders.refund", input: { amount } });
      if (r.json.status === "pending") pending.push(r.json.id);
    }
    expect((await evaluated(b.id)).state).toBe("open");
    for (const id of pending) {
      const r = await api.get(id);
      expect(r.json).toMatchObject({ status: "rejected", reasons: [expect.anything(), { code: "circuit_open", breaker: { name: b.name } }] });
    }
    expect((await opened(b.id))[0]).toMatchObject({ rejectedPending: 3 });
    const settled = await pool().query(`SELECT payload FROM webhook_deliveries WHERE event = 'approval.decided' AND payload->'data'->>'actionId' = $1`, [pending[0]]);
    expect(settled.rows.map((r) => r.payload.data)).toEqual([]); // no webhook subscribed to approval.decided here…
    const events = (await listAuditEvents({ q: `action:${pending[0]}`, limit: 5 })).events.map((e) => [e.kind, (e.data as { cause?: string }).cause]);
    expect(events[0]).toEqual(["action.rejected", "breaker"]); // …but the lifecycle recorded it, cause breaker
  });

  it("rejection_rate: people's rejections of escalations open it", async () => {
    const cohort = unique("cs");
    const a = await newAgent({ cohort });
    await policy({ effect: "require_approval", target: { cohorts: [cohort] }, condition: "true" });
    const b = await breaker({ scope: { cohort }, metric: "rejection_rate", threshold: 0.5, minSamples: 4 });
    const api = client(dp.base, a.apiKey);
    const ids = [];
    for (let i = 0; i < 4; i++) ids.push((await api.ask({ action: "orders.refund", input: { amount: 1 } })).json.id as string);
    for (const [i, id] of ids.entries()) await call(approveRoute.POST, { token: approver.token, params: { actionId: id }, body: { decision: i === 0 ? "approve" : "reject" } });
    expect(await evaluated(b.id)).toMatchObject({ state: "open", openedBecause: { metric: "rejection_rate", value: 0.75, samples: 4 } });
  });

  it("flag_rate: post-check flags on reported results open it", async () => {
    const cohort = unique("pricing");
    const a = await newAgent({ cohort });
    await policy({ stage: "post", effect: "flag", target: { cohorts: [cohort] }, condition: "result.output.applied != input.price" });
    const b = await breaker({ scope: { cohort }, metric: "flag_rate", threshold: 0.5, minSamples: 5 });
    const api = client(dp.base, a.apiKey);
    for (let i = 0; i < 5; i++) {
      const r = await api.ask({ action: "pricing.set_price", input: { price: 100 } });
      await api.result(r.json.id, { status: "succeeded", output: { applied: i < 3 ? 90 : 100 } });
    }
    expect(await evaluated(b.id)).toMatchObject({ state: "open", openedBecause: { metric: "flag_rate", value: 0.6, samples: 5 } });
  });

  it("failure_rate: an agent's failures open that agent only", async () => {
    const cohort = unique("cs");
    const [a, other] = [await newAgent({ cohort }), await newAgent({ cohort })];
    const b = await breaker({ scope: { agent: a.agent.id }, metric: "failure_rate", threshold: 0.5, minSamples: 4 });
    const api = client(dp.base, a.apiKey);
    for (let i = 0; i < 4; i++) {
      const r = await api.ask({ action: "orders.refund", input: { amount: 1 } });
      await api.result(r.json.id, i < 3 ? { status: "failed", error: "PSP timeout" } : { status: "succeeded" });
    }
    expect(await evaluated(b.id)).toMatchObject({ state: "open", holds: { kind: "agent", id: a.agent.id }, openedBecause: { metric: "failure_rate", value: 0.75 } });
    await expectHeld(api, b);
    expect((await client(dp.base, other.apiKey).ask({ action: "orders.refund", input: { amount: 1 } })).json.decision).toBe("allow");
  });

  it("an agent's metric can open its whole cohort", async () => {
    const cohort = unique("inv");
    const [a, other] = [await newAgent({ cohort }), await newAgent({ cohort })];
    const b = await breaker({ scope: { agent: a.agent.id }, metric: "action_rate", threshold: 3, opens: "cohort" });
    const api = client(dp.base, a.apiKey);
    for (let i = 0; i < 4; i++) await api.ask({ action: "inventory.reorder" });
    expect(await evaluated(b.id)).toMatchObject({ state: "open", holds: { kind: "cohort", id: cohort } });
    await expectHeld(client(dp.base, other.apiKey), b);
  });

  it("action_rate: more actions than the threshold in the window open it; too few samples don't", async () => {
    const cohort = unique("inv");
    const a = await newAgent({ cohort });
    const b = await breaker({ scope: { cohort }, metric: "action_rate", threshold: 5 });
    const quiet = await breaker({ scope: { cohort }, metric: "action_rate", threshold: 1, minSamples: 100 });
    const api = client(dp.base, a.apiKey);
    for (let i = 0; i < 5; i++) await api.ask({ action: "inventory.reorder" });
    expect((await evaluated(b.id)).state).toBe("closed");
    await api.ask({ action: "inventory.reorder" });
    expect(await evaluated(b.id)).toMatchObject({ state: "open", openedBecause: { metric: "action_rate", value: 6 } });
    expect((await state(quiet.id)).state).toBe("closed"); // 6 samples < 100
  });

  it("distinct_resources: touching more distinct resources than the threshold opens it", async () => {
    const cohort = unique("pricing");
    const a = await newAgent({ cohort });
    const b = await breaker({ scope: { cohort }, metric: "distinct_resources", threshold: 3 });
    const api = client(dp.base, a.apiKey);
    for (const sku of ["A", "B", "A", "C", "B"]) await api.ask({ action: "pricing.set_price", resource: `sku:${sku}` });
    expect(await evaluated(b.id)).toMatchObject({ state: "closed", value: 3 });
    await api.ask({ action: "pricing.set_price", resource: "sku:D" });
    expect(await evaluated(b.id)).toMatchObject({ state: "open", openedBecause: { metric: "distinct_resources", value: 4 } });
  });
});

describe("breaker recovery", () => {
  it("a manual breaker stays open until an operator resets it with a reason; the old spike doesn't re-open it", async () => {
    const cohort = unique("pricing");
    const a = await newAgent({ cohort });
    const b = await breaker({ scope: { cohort }, metric: "action_rate", threshold: 2 });
    const api = client(dp.base, a.apiKey);
    for (let i = 0; i < 3; i++) await api.ask({ action: "pricing.set_price" });
    expect((await evaluated(b.id)).state).toBe("open");
    const reset = await call(resetRoute.POST, { token: operator.token, params: { id: b.id }, body: { reason: "feed fixed, prices checked" } });
    expect(reset.status).toBe(200);
    expect(reset.json.state).toBe("closed");
    expect((await evaluated(b.id)).state).toBe("closed");
    expect((await api.ask({ action: "pricing.set_price" })).json.decision).toBe("allow");
    const closed = (await listAuditEvents({ kind: "breaker.closed", cohort, limit: 5 })).events;
    expect(closed[0]!.data).toMatchObject({ cause: "reset", reason: "feed fixed, prices checked", by: operator.principal.email });
    expect(closed[0]!.actor).toBe(`user:${operator.user.id}`);
    const hook = await pool().query(`SELECT payload FROM webhook_deliveries WHERE event = 'breaker.closed' AND payload->'data'->>'breakerId' = $1`, [b.id]);
    expect(hook.rows[0].payload.data).toMatchObject({ cause: "reset", reason: "feed fixed, prices checked" });
  });

  it("refuses to move an open breaker to another scope until it is reset (409 breaker_open); other settings may change", async () => {
    const cohort = unique("pricing");
    const other = unique("pricing");
    const a = await newAgent({ cohort });
    await newAgent({ cohort: other });
    const b = await breaker({ scope: { cohort }, metric: "action_rate", threshold: 2 });
    const api = client(dp.base, a.apiKey);
    for (let i = 0; i < 3; i++) await api.ask({ action: "pricing.set_price" });
    expect((await evaluated(b.id)).state).toBe("open");
    const current = (await call(breakerRoute.GET, { token: operator.token, params: { id: b.id } })).json;
    const spec = { name: current.name, scope: current.scope, metric: current.metric, windowSeconds: current.windowSeconds, threshold: current.threshold, minSamples: current.minSamples, opens: current.opens, recovery: current.recovery };
    const moved = await call(breakerRoute.PUT, { method: "PUT", token: operator.token, params: { id: b.id }, body: { ...spec, scope: { cohort: other } } });
    expect(moved.status).toBe(409);
    expect(moved.json.error.code).toBe("breaker_open");
    expect((await state(b.id)).holds).toMatchObject({ kind: "cohort", id: cohort });
    const tuned = await call(breakerRoute.PUT, { method: "PUT", token: operator.token, params: { id: b.id }, body: { ...spec, threshold: 3 } });
    expect(tuned.status).toBe(200);
    await expectHeld(api, b);
  });

  it("deleting an open breaker releases what it held and says so: breaker.closed (cause deleted), then breaker.deleted", async () => {
    const cohort = unique("pricing");
    const a = await newAgent({ cohort });
    const b = await breaker({ scope: { cohort }, metric: "action_rate", threshold: 2 });
    const api = client(dp.base, a.apiKey);
    for (let i = 0; i < 3; i++) await api.ask({ action: "pricing.set_price" });
    expect((await evaluated(b.id)).state).toBe("open");
    await expectHeld(api, b);
    const res = await call(breakerRoute.DELETE, { method: "DELETE", token: operator.token, params: { id: b.id } });
    expect(res.status).toBe(200);
    expect((await api.ask({ action: "pricing.set_price" })).json.decision).toBe("allow");
    const hook = await pool().query(`SELECT payload FROM webhook_deliveries WHERE event = 'breaker.closed' AND payload->'data'->>'breakerId' = $1`, [b.id]);
    expect(hook.rows.map((r) => r.payload.data)).toMatchObject([{ cause: "deleted", by: operator.principal.email }]);
    const kinds = (await listAuditEvents({ kind: "breaker.*", cohort, limit: 5 })).events.map((e) => e.kind);
    expect(kinds.slice(0, 2)).toEqual(["breaker.deleted", "breaker.closed"]);
  });

  it("half-open: after the cooldown it lets N probes through, closes when they pass, re-opens when they don't", async () => {
    const cohort = unique("pricing");
    const a = await newAgent({ cohort });
    await policy({ effect: "deny", target: { cohorts: [cohort] }, condition: "has(input.bad) && input.bad == true" });
    const b = await breaker({ scope: { cohort }, metric: "deny_rate", threshold: 0.5, minSamples: 4, recovery: { mode: "half_open", cooldownSeconds: 30, probes: 3 } });
    const api = client(dp.base, a.apiKey);
    const ask = (bad: boolean) => api.ask({ action: "pricing.set_price", input: { bad } });
    // Time passes (40 s, more than the cooldown) for this cohort: its signals and the breaker's clock move back together.
    const coolDown = async () => {
      // Through a year ahead, so no row steps on another's key on the way.
      for (const shift of ["+ interval '1 year'", "- interval '1 year 40 seconds'"]) {
        await pool().query(`UPDATE signal_counters SET bucket = bucket ${shift} WHERE scope_id IN ($1, $2)`, [cohort, a.agent.id]);
      }
      await pool().query(
        `UPDATE breakers SET opened_at = opened_at - interval '40 seconds', samples_since = samples_since - interval '40 seconds', closed_at = closed_at - interval '40 seconds' WHERE id = $1`,
        [b.id],
      );
    };

    for (let i = 0; i < 4; i++) await ask(true);
    expect((await evaluated(b.id)).state).toBe("open");
    expect((await evaluated(b.id)).state).toBe("open"); // still cooling down
    await coolDown();
    expect((await evaluated(b.id)).state).toBe("half_open");
    // Exactly three probes pass; the fourth is held.
    for (let i = 0; i < 3; i++) expect((await ask(false)).json.decision).toBe("allow");
    const fourth = await ask(false);
    expect(fourth.json).toMatchObject({ decision: "deny", reasons: [{ code: "circuit_open" }] });
    expect(fourth.json.reasons[0].message).toMatch(/half-open/);
    expect((await evaluated(b.id)).state).toBe("closed");
    const closed = (await listAuditEvents({ kind: "breaker.closed", cohort, limit: 1 })).events[0]!;
    expect(closed.data).toMatchObject({ cause: "probes" });

    // Trips again; this time the probes fail.
    for (let i = 0; i < 5; i++) await ask(true);
    expect((await evaluated(b.id)).state).toBe("open");
    await coolDown();
    expect((await evaluated(b.id)).state).toBe("half_open");
    for (let i = 0; i < 3; i++) expect((await ask(true)).json.decision).toBe("deny");
    const reopened = await evaluated(b.id);
    expect(reopened).toMatchObject({ state: "open", openedBecause: { cause: "probes", value: 1 } });
    expect(reopened.openedBecause!.message).toMatch(/its probes failed/);
    const kinds = (await listAuditEvents({ q: `breaker:${b.id}`, limit: 20 })).events.map((e) => e.kind);
    expect(kinds.slice(0, 6)).toEqual(["breaker.opened", "breaker.half_opened", "breaker.opened", "breaker.closed", "breaker.half_opened", "breaker.opened"]);
  });

  it("charts the metric over its rolling window", async () => {
    const cohort = unique("inv");
    const a = await newAgent({ cohort });
    const b = await breaker({ scope: { cohort }, metric: "action_rate", threshold: 100 });
    const api = client(dp.base, a.apiKey);
    for (let i = 0; i < 3; i++) await api.ask({ action: "inventory.reorder" });
    const res = await call(seriesRoute.GET, { token: operator.token, params: { id: b.id }, path: `/api/breakers/${b.id}/series?points=12` });
    expect(res.json.points).toHaveLength(12);
    expect(res.json.points.at(-1)).toMatchObject({ value: 3, samples: 3 });
    expect(res.json.points[0].value).toBe(0);
  });

  it("lists open breakers first", async () => {
    const list = await call(breakersRoute.GET, { token: operator.token });
    const states = (list.json as { state: string }[]).map((b) => b.state);
    expect(states.indexOf("closed")).toBeGreaterThan(states.lastIndexOf("open"));
  });
});
