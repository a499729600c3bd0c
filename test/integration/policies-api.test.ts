import { describe, expect, it } from "vitest";
import * as policiesRoute from "../../app/api/policies/route.ts";
import * as policyRoute from "../../app/api/policies/[id]/route.ts";
import * as disableRoute from "../../app/api/policies/[id]/disable/route.ts";
import * as testRoute from "../../app/api/policies/test/route.ts";
import * as validateRoute from "../../app/api/policies/validate/route.ts";
import * as cohortHaltRoute from "../../app/api/cohorts/[name]/halt/route.ts";
import * as globalHaltRoute from "../../app/api/halt/route.ts";
import { pool } from "../../lib/db/index.ts";
import { call, unique, userWithToken } from "../support/fixtures.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";

const spec = (over: Record<string, unknown> = {}) => ({
  name: unique("floor"),
  effect: "deny",
  target: { cohorts: ["pricing"], actions: ["pricing.*"] },
  condition: "'flagship' in input.tags && input.price < 100.0",
  message: "Flagship prices need a human below 100",
  ...over,
});

describe("policies API", () => {
  it("creates, reads with versions, edits into a new version, and disables", async () => {
    const admin = await userWithToken("admin");
    const created = await call(policiesRoute.POST, { token: admin.token, body: spec() });
    expect(created.status).toBe(201);
    expect(created.json.policy).toMatchObject({ version: 1, enabled: true, stage: "pre", mode: "enforce", priority: 100 });
    const id = created.json.policy.id;
    const got = await call(policyRoute.GET, { token: admin.token, params: { id } });
    // PUT accepts what GET returned, edited.
    const put = await call(policyRoute.PUT, { method: "PUT", token: admin.token, params: { id }, body: { ...got.json.policy, priority: 300 } });
    expect(put.status).toBe(200);
    expect(put.json.policy.version).toBe(2);
    expect(put.json.policy.versions.map((v: { priority: number }) => v.priority)).toEqual([300, 100]);
    const off = await call(disableRoute.POST, { token: admin.token, params: { id } });
    expect(off.json.policy.enabled).toBe(false);
  });

  it("refuses a condition that doesn't compile with 400 invalid_condition and where", async () => {
    const admin = await userWithToken("admin");
    const res = await call(policiesRoute.POST, { token: admin.token, body: spec({ condition: "input.price <" }) });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("invalid_condition");
    expect(res.json.error.details).toMatchObject({ line: 1, column: 14 });
    const typo = await call(policiesRoute.POST, { token: admin.token, body: spec({ condition: "inptu.price < 3.0" }) });
    expect(typo.json.error.message).toMatch(/inptu/);
    const v = await call(validateRoute.POST, { token: admin.token, body: { condition: "input.price <" } });
    expect(v.json).toMatchObject({ ok: false, error: { column: 14 } });
  });

  it("is admin-only for writes and refuses mismatched stage/effect", async () => {
    const approver = await userWithToken("approver");
    expect((await call(policiesRoute.POST, { token: approver.token, body: spec() })).status).toBe(403);
    expect((await call(policiesRoute.GET, { token: approver.token })).status).toBe(200);
    const admin = await userWithToken("admin");
    const bad = await call(policiesRoute.POST, { token: admin.token, body: spec({ stage: "post", effect: "deny" }) });
    expect(bad.status).toBe(400);
    expect((await call(policiesRoute.POST, { token: admin.token, body: spec({ effect: "explode" }) })).status).toBe(400);
  });

  it("refuses a target glob that could never match (an upper-case action name) with the path, storing nothing", async () => {
    const admin = await userWithToken("admin");
    const name = unique("print-env");
    // Action names are lower-case and matching is case-sensitive: this deny would never fire.
    const res = await call(policiesRoute.POST, { token: admin.token, body: spec({ name, target: { actions: ["mcp.everything.printEnv"] } }) });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("validation_failed");
    expect(res.json.error.message).toMatch(/^target\.actions\.0: can never match.*mcp\.everything\.printenv/);
    expect(res.json.error.details[0]).toMatchObject({ path: "target.actions.0" });
    const cohort = await call(policiesRoute.POST, { token: admin.token, body: spec({ name, target: { cohorts: ["Pricing"] } }) });
    expect(cohort.json.error.details[0]).toMatchObject({ path: "target.cohorts.0" });
    const { rows } = await pool().query("SELECT 1 FROM policies WHERE name = $1", [name]);
    expect(rows).toHaveLength(0);
    // The lower-case glob is what the MCP gateway's actions are called.
    expect((await call(policiesRoute.POST, { token: admin.token, body: spec({ name, target: { actions: ["mcp.everything.printenv"] } }) })).status).toBe(201);
  });

  it("tests a draft on a sample and backtests it over recorded actions", async () => {
    const admin = await userWithToken("admin");
    const cohort = unique("bt");
    const a = await newAgent({ cohort });
    const dp = await startDataPlane();
    try {
      const api = client(dp.base, a.apiKey);
      for (const price of [50, 80, 150, 300, 90]) await api.ask({ action: "pricing.set_price", input: { price, tags: ["flagship"] } });
      const draft = spec({ target: { cohorts: [cohort] } });
      const res = await call(testRoute.POST, {
        token: admin.token,
        body: { policy: draft, sample: { action: "pricing.set_price", input: { price: 60, tags: ["flagship"] }, agent: { cohort } }, backtest: { last: 5 } },
      });
      expect(res.status).toBe(200);
      expect(res.json.sample).toMatchObject({ targeted: true, matched: true, decision: "deny" });
      expect(res.json.backtest).toMatchObject({ evaluated: 5, changed: 3, byChange: { "allow→deny": 3 } });
      expect(res.json.backtest.examples).toHaveLength(3);
      // Nothing was saved.
      const { rows } = await pool().query("SELECT count(*)::int AS n FROM policies WHERE name = $1", [draft.name]);
      expect(rows[0].n).toBe(0);
    } finally {
      await dp.close();
    }
  });
});

describe("policy conditions are checked and tested safely", () => {
  it("refuses a pattern RE2 can't compile at save and at test, with its position", async () => {
    const admin = await userWithToken("admin");
    const condition = "input.sku.matches('[')";
    const draft = spec({ condition });
    const saved = await call(policiesRoute.POST, { token: admin.token, body: draft });
    expect(saved.status).toBe(400);
    expect(saved.json.error).toMatchObject({ code: "invalid_condition", details: { position: 18, line: 1, column: 19 } });
    expect(saved.json.error.message).toMatch(/missing closing \]/);
    const tested = await call(testRoute.POST, { token: admin.token, body: { policy: spec({ condition }), sample: { input: { sku: "x" } } } });
    expect(tested.status).toBe(400);
    expect(tested.json.error).toMatchObject({ code: "invalid_condition", details: { column: 19 } });
    const validated = await call(validateRoute.POST, { token: admin.token, body: { condition } });
    expect(validated.json).toMatchObject({ ok: false, error: { column: 19 } });
    const { rows } = await pool().query("SELECT count(*)::int AS n FROM policies WHERE name = $1", [draft.name]);
    expect(rows[0].n).toBe(0);
  });

  it("evaluates (a+)+$ on a long sample in linear time through the test endpoint", async () => {
    const admin = await userWithToken("admin");
    const res = await call(testRoute.POST, {
      token: admin.token,
      body: { policy: spec({ target: {}, condition: "input.s.matches('(a+)+$')" }), sample: { action: "pricing.set_price", input: { s: "a".repeat(10_000) + "!" } } },
    });
    expect(res.status).toBe(200);
    expect(res.json.sample).toMatchObject({ targeted: true, matched: false, error: null });
  });

  it("refuses a condition too expensive for the largest data, at save and in the editor's check", async () => {
    const admin = await userWithToken("admin");
    const condition = "input.items.exists(i, input.items.exists(j, i != j && i.sku == j.sku))";
    const res = await call(policiesRoute.POST, { token: admin.token, body: spec({ condition }) });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("condition_too_expensive");
    expect(res.json.error.details.cost).toBeGreaterThan(res.json.error.details.budget);
    const v = await call(validateRoute.POST, { token: admin.token, body: { condition } });
    expect(v.json).toMatchObject({ ok: false, error: { message: expect.stringMatching(/too expensive/) } });
  });

  it("lets only those who can write policies test and backtest drafts", async () => {
    const body = { policy: spec({ condition: "true" }), sample: { input: {} }, backtest: { last: 10 } };
    for (const role of ["viewer", "operator", "approver"] as const) {
      const u = await userWithToken(role);
      const res = await call(testRoute.POST, { token: u.token, body });
      expect(res.status, role).toBe(403);
      expect(res.json.error.code).toBe("forbidden");
    }
    const admin = await userWithToken("admin");
    expect((await call(testRoute.POST, { token: admin.token, body })).status).toBe(200);
  });

  it("refuses a sample larger than an agent's request could be", async () => {
    const admin = await userWithToken("admin");
    const res = await call(testRoute.POST, { token: admin.token, body: { policy: spec({ condition: "true" }), sample: { input: { s: "x".repeat(70 * 1024) } } } });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("validation_failed");
  });
});

describe("kill switch API", () => {
  it("lets operators halt a cohort with a reason, and only admins halt everything", async () => {
    const op = await userWithToken("operator");
    const { agent } = await newAgent({ cohort: unique("ks") });
    const noReason = await call(cohortHaltRoute.POST, { token: op.token, params: { name: agent.cohort }, body: {} });
    expect(noReason.status).toBe(400);
    const res = await call(cohortHaltRoute.POST, { token: op.token, params: { name: agent.cohort }, body: { reason: "price war" } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ scope: "cohort", status: "halted", reason: "price war" });
    expect((await call(globalHaltRoute.POST, { token: op.token, body: { reason: "everything" } })).status).toBe(403);
    const viewer = await userWithToken("viewer");
    expect((await call(cohortHaltRoute.POST, { token: viewer.token, params: { name: agent.cohort }, body: { reason: "nope" } })).status).toBe(403);
    expect((await call(cohortHaltRoute.POST, { token: op.token, params: { name: "missing-cohort" }, body: { reason: "nope" } })).status).toBe(404);
  });
});
