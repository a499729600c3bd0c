import { createPublicKey, verify } from "node:crypto";
import canonicalize from "canonicalize";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as agentRoute from "../../app/api/agents/[id]/route.ts";
import * as keyRoute from "../../app/api/agents/[id]/keys/[keyId]/route.ts";
import * as keysRoute from "../../app/api/agents/[id]/keys/route.ts";
import * as agentsRoute from "../../app/api/agents/route.ts";
import * as rolloutsRoute from "../../app/api/agents/[id]/rollouts/route.ts";
import * as versionsDiffRoute from "../../app/api/agents/[id]/versions/diff/route.ts";
import * as versionsRoute from "../../app/api/agents/[id]/versions/route.ts";
import * as anomaliesRoute from "../../app/api/anomalies/route.ts";
import * as approvalsCountRoute from "../../app/api/approvals/count/route.ts";
import * as auditRoute from "../../app/api/audit/route.ts";
import * as breakerResetRoute from "../../app/api/breakers/[id]/reset/route.ts";
import * as breakerRoute from "../../app/api/breakers/[id]/route.ts";
import * as breakerSeriesRoute from "../../app/api/breakers/[id]/series/route.ts";
import * as breakersRoute from "../../app/api/breakers/route.ts";
import * as budgetRoute from "../../app/api/budgets/[id]/route.ts";
import * as budgetsRoute from "../../app/api/budgets/route.ts";
import * as capabilityChangeRoute from "../../app/api/capability-changes/[id]/route.ts";
import * as capabilityChangesRoute from "../../app/api/capability-changes/route.ts";
import * as cohortHaltRoute from "../../app/api/cohorts/[name]/halt/route.ts";
import * as cohortResumeRoute from "../../app/api/cohorts/[name]/resume/route.ts";
import * as cohortsRoute from "../../app/api/cohorts/route.ts";
import * as containmentRoute from "../../app/api/containment/route.ts";
import * as haltRoute from "../../app/api/halt/route.ts";
import * as healthRoute from "../../app/api/health/route.ts";
import * as keysPublishedRoute from "../../app/api/keys/[purpose]/route.ts";
import * as loginRoute from "../../app/api/login/route.ts";
import * as meRoute from "../../app/api/me/route.ts";
import * as openapiRoute from "../../app/api/openapi.json/route.ts";
import * as policiesRoute from "../../app/api/policies/route.ts";
import * as validateRoute from "../../app/api/policies/validate/route.ts";
import * as rolloutControlRoute from "../../app/api/rollouts/[id]/[control]/route.ts";
import * as rolloutPointsRoute from "../../app/api/rollouts/[id]/points/route.ts";
import * as rolloutRoute from "../../app/api/rollouts/[id]/route.ts";
import * as anomalySettingsRoute from "../../app/api/settings/anomalies/route.ts";
import * as redactionRoute from "../../app/api/settings/redaction/route.ts";
import * as teamsRoute from "../../app/api/teams/route.ts";
import * as tokensRoute from "../../app/api/tokens/route.ts";
import * as usersRoute from "../../app/api/users/route.ts";
import * as webhooksRoute from "../../app/api/webhooks/route.ts";
import { evaluateBreakers } from "../../lib/breakers/index.ts";
import { openApiDocument } from "../../lib/openapi/index.ts";
import { newAgent, startDataPlane } from "../support/dataplane.ts";
import { call, unique, userWithToken } from "../support/fixtures.ts";
import { responseChecker } from "../support/openapi.ts";

// Real answers of a running Warden — the data plane over HTTP as server.ts mounts it, the
// control plane's route handlers called as Next.js calls them, on a real PostgreSQL — checked
// against the response schemas of the document served at /api/openapi.json.

let dp: Awaited<ReturnType<typeof startDataPlane>>;
let checker: ReturnType<typeof responseChecker>;

beforeAll(async () => {
  dp = await startDataPlane();
  const res = await call(openapiRoute.GET, { path: "/api/openapi.json" });
  expect(res.status).toBe(200);
  checker = responseChecker(res.json as ReturnType<typeof openApiDocument>);
});
afterAll(() => dp.close());

function conforms(method: string, template: string, res: { status: number; json: unknown; headers?: Headers }, status: number) {
  expect(res.status, JSON.stringify(res.json)).toBe(status);
  const type = res.headers?.get("content-type")?.split(";")[0] ?? "application/json";
  expect(checker.check(method, template, res.status, res.json, type), `${method} ${template} → ${res.status} ${JSON.stringify(res.json)}`).toEqual([]);
}

async function v1(method: string, path: string, key: string | null, body?: unknown) {
  const headers: Record<string, string> = {};
  if (key) headers.authorization = `Bearer ${key}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  const res = await fetch(`${dp.base}${path}`, { method, headers, body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? (JSON.parse(text) as unknown) : undefined, headers: res.headers };
}

describe("data plane answers match the document", () => {
  it("POST /v1/actions: allow, pending with reasons and expiry, and its errors", async () => {
    const admin = await userWithToken("admin");
    const cohort = unique("contract");
    const { apiKey } = await newAgent({ cohort });
    const allowed = await v1("POST", "/v1/actions", apiKey, { action: "catalog.read", resource: "sku:1" });
    conforms("POST", "/v1/actions", allowed, 200);
    expect((allowed.json as { decision: string }).decision).toBe("allow");
    // The check has teeth: an undocumented field, a missing one, or a code from another status fail.
    expect(checker.check("POST", "/v1/actions", 200, { ...(allowed.json as object), surprise: 1 })).not.toEqual([]);
    expect(checker.check("POST", "/v1/actions", 200, { ...(allowed.json as object), status: undefined })).not.toEqual([]);
    expect(checker.check("POST", "/v1/actions", 400, { error: { code: "idempotency_conflict", message: "x" } })).not.toEqual([]);

    const policy = await call(policiesRoute.POST, {
      token: admin.token,
      body: { name: unique("floor"), stage: "pre", effect: "require_approval", mode: "enforce", target: { cohorts: [cohort], agents: [], actions: ["pricing.*"] }, condition: "input.price < 100.0", priority: 10, message: "needs a human", approval: { quorum: 1, timeoutSeconds: 600 } },
    });
    conforms("POST", "/api/policies", policy, 201);
    const pending = await v1("POST", "/v1/actions", apiKey, { action: "pricing.set_price", input: { price: 80 } });
    conforms("POST", "/v1/actions", pending, 200);
    expect(pending.json).toMatchObject({ decision: "pending", status: "pending", expiresAt: expect.any(String) });
    const id = (pending.json as { id: string }).id;
    conforms("GET", "/v1/actions/{id}", await v1("GET", `/v1/actions/${id}`, apiKey), 200);

    const invalid = await v1("POST", "/v1/actions", apiKey, { action: "Not An Action" });
    conforms("POST", "/v1/actions", invalid, 400);
    expect((invalid.json as { error: { code: string } }).error.code).toBe("validation_failed");
    conforms("POST", "/v1/actions", await v1("POST", "/v1/actions", apiKey, "{nope"), 400);
    conforms("POST", "/v1/actions", await v1("POST", "/v1/actions", null, { action: "a.b" }), 401);
    conforms("POST", "/v1/actions", await v1("POST", "/v1/actions", "wdn_unknown", { action: "a.b" }), 401);
    const conflict = await v1("POST", "/v1/actions", apiKey, { action: "a.b", idempotencyKey: "k1" });
    conforms("POST", "/v1/actions", conflict, 200);
    conforms("POST", "/v1/actions", await v1("POST", "/v1/actions", apiKey, { action: "a.c", idempotencyKey: "k1" }), 409);
    conforms("GET", "/v1/actions/{id}", await v1("GET", "/v1/actions/act_doesnotexist", apiKey), 404);
  });

  it("POST /v1/actions/{id}/result, GET /v1/agent, 405 on a known path", async () => {
    const { apiKey, agent } = await newAgent();
    const a = await v1("POST", "/v1/actions", apiKey, { action: "catalog.read" });
    const id = (a.json as { id: string }).id;
    conforms("POST", "/v1/actions/{id}/result", await v1("POST", `/v1/actions/${id}/result`, apiKey, { status: "succeeded", output: { rows: 3 } }), 200);
    conforms("POST", "/v1/actions/{id}/result", await v1("POST", `/v1/actions/${id}/result`, apiKey, { status: "succeeded" }), 409);
    conforms("POST", "/v1/actions/{id}/result", await v1("POST", `/v1/actions/${id}/result`, apiKey, { status: "maybe" }), 400);
    const me = await v1("GET", "/v1/agent", apiKey);
    conforms("GET", "/v1/agent", me, 200);
    expect((me.json as { id: string }).id).toBe(agent.id);
    conforms("GET", "/v1/agent", await v1("DELETE", "/v1/agent", apiKey), 405);
  });

  it("GET /v1/knowledge/{set}: an unknown or ungranted set", async () => {
    const { apiKey } = await newAgent();
    const res = await v1("GET", "/v1/knowledge/no-such-set", apiKey);
    expect([403, 404]).toContain(res.status);
    conforms("GET", "/v1/knowledge/{set}", res, res.status);
  });
});

describe("control plane answers match the document", () => {
  it("agents: register, list, read, edit, rotate and revoke keys, with 400/401/403/404/409", async () => {
    const op = await userWithToken("operator");
    const viewer = await userWithToken("viewer");
    const body = { name: unique("contract-bot"), cohort: unique("contract"), owner: "owner@test.example", riskTier: "high" };
    const created = await call(agentsRoute.POST, { token: op.token, body });
    conforms("POST", "/api/agents", created, 201);
    const id = (created.json as { agent: { id: string } }).agent.id;
    conforms("POST", "/api/agents", await call(agentsRoute.POST, { token: op.token, body }), 409);
    conforms("POST", "/api/agents", await call(agentsRoute.POST, { token: op.token, body: { name: "x y" } }), 400);
    conforms("POST", "/api/agents", await call(agentsRoute.POST, { token: op.token, rawBody: "{nope" }), 400);
    conforms("POST", "/api/agents", await call(agentsRoute.POST, { token: viewer.token, body }), 403);
    conforms("GET", "/api/agents", await call(agentsRoute.GET, {}), 401);
    conforms("GET", "/api/agents", await call(agentsRoute.GET, { token: viewer.token }), 200);
    conforms("GET", "/api/agents/{id}", await call(agentRoute.GET, { token: viewer.token, params: { id } }), 200);
    conforms("GET", "/api/agents/{id}", await call(agentRoute.GET, { token: viewer.token, params: { id: "agt_missing" } }), 404);
    conforms("PATCH", "/api/agents/{id}", await call(agentRoute.PATCH, { method: "PATCH", token: op.token, params: { id }, body: { owner: "new@test.example" } }), 200);
    const rotated = await call(keysRoute.POST, { token: op.token, params: { id } });
    conforms("POST", "/api/agents/{id}/keys", rotated, 201);
    const keyId = (rotated.json as { key: { id: string } }).key.id;
    conforms("DELETE", "/api/agents/{id}/keys/{keyId}", await call(keyRoute.DELETE, { method: "DELETE", token: op.token, params: { id, keyId } }), 200);
    conforms("DELETE", "/api/agents/{id}/keys/{keyId}", await call(keyRoute.DELETE, { method: "DELETE", token: op.token, params: { id, keyId } }), 409);
  });

  it("kill switch and cohorts", async () => {
    const op = await userWithToken("operator");
    const { agent } = await newAgent({ cohort: unique("contract") });
    const name = agent.cohort;
    conforms("POST", "/api/cohorts/{name}/halt", await call(cohortHaltRoute.POST, { token: op.token, params: { name }, body: { reason: "contract test" } }), 200);
    conforms("GET", "/api/cohorts", await call(cohortsRoute.GET, { token: op.token }), 200);
    conforms("POST", "/api/cohorts/{name}/halt", await call(cohortHaltRoute.POST, { token: op.token, params: { name }, body: { reason: "x" } }), 400);
    conforms("POST", "/api/cohorts/{name}/resume", await call(cohortResumeRoute.POST, { token: op.token, params: { name }, body: {} }), 200);
    conforms("POST", "/api/cohorts/{name}/halt", await call(cohortHaltRoute.POST, { token: op.token, params: { name: "no-such-cohort" }, body: { reason: "contract test" } }), 404);
    conforms("GET", "/api/halt", await call(haltRoute.GET, { token: op.token }), 200);
    conforms("POST", "/api/halt", await call(haltRoute.POST, { token: op.token, body: { reason: "not an admin" } }), 403);
  });

  it("users, tokens, login, me, teams, webhooks, settings, audit, policies, approvals, keys, health", async () => {
    const admin = await userWithToken("admin");
    conforms("GET", "/api/me", await call(meRoute.GET, { token: admin.token }), 200);
    conforms("POST", "/api/login", await call(loginRoute.POST, { body: { email: admin.user.email, password: admin.password } }), 200);
    conforms("POST", "/api/login", await call(loginRoute.POST, { body: { email: admin.user.email, password: "wrong password!" } }), 401);
    conforms("POST", "/api/tokens", await call(tokensRoute.POST, { token: admin.token, body: { name: "contract" } }), 201);
    conforms("GET", "/api/tokens", await call(tokensRoute.GET, { token: admin.token }), 200);
    conforms("POST", "/api/users", await call(usersRoute.POST, { token: admin.token, body: { email: `${unique("u")}@test.example`, name: "U", role: "viewer" } }), 201);
    conforms("GET", "/api/users", await call(usersRoute.GET, { token: admin.token }), 200);
    conforms("GET", "/api/teams", await call(teamsRoute.GET, { token: admin.token }), 200);
    conforms("GET", "/api/webhooks", await call(webhooksRoute.GET, { token: admin.token }), 200);
    conforms("GET", "/api/settings/redaction", await call(redactionRoute.GET, { token: admin.token }), 200);
    conforms("GET", "/api/audit", await call(auditRoute.GET, { token: admin.token, path: "/api/audit?limit=5" }), 200);
    conforms("GET", "/api/policies", await call(policiesRoute.GET, { token: admin.token }), 200);
    conforms("POST", "/api/policies/validate", await call(validateRoute.POST, { token: admin.token, body: { condition: "input.price <" } }), 200);
    conforms("POST", "/api/policies/validate", await call(validateRoute.POST, { token: admin.token, body: { condition: "input.price < 1.0" } }), 200);
    conforms("GET", "/api/approvals/count", await call(approvalsCountRoute.GET, { token: admin.token }), 200);
    conforms("GET", "/api/keys/{purpose}", await call(keysPublishedRoute.GET as never, { params: { purpose: "checkpoints" } }), 200);
    conforms("GET", "/api/keys/{purpose}", await call(keysPublishedRoute.GET as never, { params: { purpose: "nope" } }), 404);
    conforms("GET", "/api/health", await call(healthRoute.GET as never, {}), 200);
  });
});

/** Polls `read` until `ok` holds for its value (or the deadline passes), then returns the last value. */
async function until<T>(read: () => Promise<T>, ok: (v: T) => boolean, deadlineMs = 5000): Promise<T> {
  const end = Date.now() + deadlineMs;
  let v = await read();
  while (!ok(v) && Date.now() < end) {
    await new Promise((r) => setImmediate(r));
    v = await read();
  }
  return v;
}

describe("containment, releases and receipts answers match the document", () => {
  it("budgets: create, list, read with usage, a budget_exceeded reason carrying the budget, update, delete", async () => {
    const op = await userWithToken("operator");
    const { agent, apiKey } = await newAgent();
    const spec = { name: unique("budget"), scope: { agent: agent.id }, actions: ["orders.refund"], amount: "input.amount", limit: 100, unit: "EUR", window: { seconds: 3600 }, onExceed: "deny" };
    const created = await call(budgetsRoute.POST, { token: op.token, body: spec });
    conforms("POST", "/api/budgets", created, 201);
    const id = (created.json as { id: string }).id;
    conforms("POST", "/api/budgets", await call(budgetsRoute.POST, { token: op.token, body: spec }), 409);
    conforms("POST", "/api/budgets", await call(budgetsRoute.POST, { token: op.token, body: { ...spec, name: unique("budget"), amount: "input.amount *" } }), 400);

    conforms("POST", "/v1/actions", await v1("POST", "/v1/actions", apiKey, { action: "orders.refund", input: { amount: 70 } }), 200);
    const over = await v1("POST", "/v1/actions", apiKey, { action: "orders.refund", input: { amount: 40 } });
    conforms("POST", "/v1/actions", over, 200);
    expect(over.json).toMatchObject({ decision: "deny", reasons: [{ code: "budget_exceeded", budget: { id, limit: 100, unit: "EUR" } }] });

    const one = await call(budgetRoute.GET, { token: op.token, params: { id } });
    conforms("GET", "/api/budgets/{id}", one, 200);
    expect(one.json).toMatchObject({ id, usage: { used: 70, reserved: 0, remaining: 30 } });
    const list = await call(budgetsRoute.GET, { token: op.token, path: `/api/budgets?agent=${agent.id}` });
    conforms("GET", "/api/budgets", list, 200);
    expect((list.json as { id: string }[]).map((b) => b.id)).toEqual([id]);
    // What GET answered goes back through PUT (its read-only fields ignored).
    const updated = await call(budgetRoute.PUT, { method: "PUT", token: op.token, params: { id }, body: { ...(one.json as object), limit: 200 } });
    conforms("PUT", "/api/budgets/{id}", updated, 200);
    expect(updated.json).toMatchObject({ limit: 200, version: 2 });
    conforms("GET", "/api/budgets/{id}", await call(budgetRoute.GET, { token: op.token, params: { id: "bud_missing" } }), 404);
    conforms("DELETE", "/api/budgets/{id}", await call(budgetRoute.DELETE, { method: "DELETE", token: op.token, params: { id } }), 200);
  });

  it("breakers: create, list, open on traffic (agent circuit_open, circuit_open reason, containment), reset, 409 on a closed one", async () => {
    const op = await userWithToken("operator");
    const { agent, apiKey } = await newAgent();
    const created = await call(breakersRoute.POST, {
      token: op.token,
      body: { name: unique("brk"), scope: { agent: agent.id }, metric: "action_rate", windowSeconds: 60, threshold: 0, minSamples: 1 },
    });
    conforms("POST", "/api/breakers", created, 201);
    const id = (created.json as { id: string }).id;
    conforms("POST", "/api/breakers/{id}/reset", await call(breakerResetRoute.POST, { token: op.token, params: { id }, body: { reason: "nothing to reset" } }), 409);
    conforms("POST", "/api/breakers", await call(breakersRoute.POST, { token: op.token, body: { name: unique("brk"), scope: { agent: agent.id }, metric: "deny_rate", windowSeconds: 60, threshold: 1.5 } }), 400);

    conforms("POST", "/v1/actions", await v1("POST", "/v1/actions", apiKey, { action: "catalog.read" }), 200);
    await evaluateBreakers({ everything: true });
    const open = await call(breakerRoute.GET, { token: op.token, params: { id } });
    conforms("GET", "/api/breakers/{id}", open, 200);
    expect(open.json).toMatchObject({ state: "open", holds: { kind: "agent", id: agent.id }, openedBecause: { cause: "metric" } });
    const list = await call(breakersRoute.GET, { token: op.token, path: `/api/breakers?agent=${agent.id}` });
    conforms("GET", "/api/breakers", list, 200);
    expect(list.json).toHaveLength(1);
    conforms("GET", "/api/breakers/{id}/series", await call(breakerSeriesRoute.GET, { token: op.token, params: { id }, path: `/api/breakers/${id}/series?points=5` }), 200);

    const denied = await v1("POST", "/v1/actions", apiKey, { action: "catalog.read" });
    conforms("POST", "/v1/actions", denied, 200);
    expect(denied.json).toMatchObject({ decision: "deny", reasons: [{ code: "circuit_open", breaker: { id } }] });
    const me = await v1("GET", "/v1/agent", apiKey);
    conforms("GET", "/v1/agent", me, 200);
    expect(me.json).toMatchObject({ status: "circuit_open", breaker: { id, state: "open", holds: "agent" }, capabilities: null });
    const view = await call(agentRoute.GET, { token: op.token, params: { id: agent.id } });
    conforms("GET", "/api/agents/{id}", view, 200);
    expect(view.json).toMatchObject({ agent: { status: "circuit_open", ownHalt: { status: "active" }, halts: [] } });
    const containment = await call(containmentRoute.GET, { token: op.token });
    conforms("GET", "/api/containment", containment, 200);
    expect((containment.json as { held: { breakerId: string }[] }).held.map((h) => h.breakerId)).toContain(id);

    const reset = await call(breakerResetRoute.POST, { token: op.token, params: { id }, body: { reason: "cleared in the contract test" } });
    conforms("POST", "/api/breakers/{id}/reset", reset, 200);
    expect(reset.json).toMatchObject({ state: "closed", holds: null });
    const again = await call(breakerResetRoute.POST, { token: op.token, params: { id }, body: { reason: "cleared in the contract test" } });
    conforms("POST", "/api/breakers/{id}/reset", again, 409);
    expect((again.json as { error: { code: string } }).error.code).toBe("breaker_closed");
    conforms("PUT", "/api/breakers/{id}", await call(breakerRoute.PUT, { method: "PUT", token: op.token, params: { id }, body: { ...(reset.json as object), threshold: 5 } }), 200);
    conforms("DELETE", "/api/breakers/{id}", await call(breakerRoute.DELETE, { method: "DELETE", token: op.token, params: { id } }), 200);
  });

  it("unusual access and grant requests: anomalies, their settings, an owner's widening (202) and its second-person decision", async () => {
    const admin = await userWithToken("admin");
    conforms("GET", "/api/anomalies", await call(anomaliesRoute.GET, { token: admin.token, path: "/api/anomalies?hours=48" }), 200);
    conforms("GET", "/api/settings/anomalies", await call(anomalySettingsRoute.GET, { token: admin.token }), 200);
    conforms("PUT", "/api/settings/anomalies", await call(anomalySettingsRoute.PUT, { method: "PUT", token: admin.token, body: { factor: 5, minVolume: 50, minHistoryHours: 24 } }), 200);
    conforms("PUT", "/api/settings/anomalies", await call(anomalySettingsRoute.PUT, { method: "PUT", token: admin.token, body: { factor: 1 } }), 400);

    // An owner (an admin) widening their own agent's grants: 202, a request a second admin decides.
    const { agent } = await newAgent({ owner: admin.user.email });
    const narrowed = await call(agentRoute.PATCH, { method: "PATCH", token: admin.token, params: { id: agent.id }, body: { capabilities: [{ action: "catalog.read" }] } });
    conforms("PATCH", "/api/agents/{id}", narrowed, 200);
    const widened = await call(agentRoute.PATCH, { method: "PATCH", token: admin.token, params: { id: agent.id }, body: { capabilities: [{ action: "catalog.read" }, { action: "pricing.*", resources: ["sku:*"] }] } });
    conforms("PATCH", "/api/agents/{id}", widened, 202);
    const change = (widened.json as { capabilityChange: { id: string; status: string } }).capabilityChange;
    expect(change.status).toBe("pending");
    conforms("GET", "/api/capability-changes", await call(capabilityChangesRoute.GET, { token: admin.token, path: `/api/capability-changes?agent=${agent.id}` }), 200);
    conforms("POST", "/api/capability-changes/{id}", await call(capabilityChangeRoute.POST, { token: admin.token, params: { id: change.id }, body: { decision: "confirm" } }), 403);
    const second = await userWithToken("admin");
    const confirmed = await call(capabilityChangeRoute.POST, { token: second.token, params: { id: change.id }, body: { decision: "confirm", comment: "checked" } });
    conforms("POST", "/api/capability-changes/{id}", confirmed, 200);
    expect(confirmed.json).toMatchObject({ change: { status: "confirmed", decidedBy: second.user.email } });
    conforms("POST", "/api/capability-changes/{id}", await call(capabilityChangeRoute.POST, { token: second.token, params: { id: change.id }, body: { decision: "reject" } }), 409);
    conforms("GET", "/api/capability-changes", await call(capabilityChangesRoute.GET, { token: admin.token, path: "/api/capability-changes?status=all" }), 200);
  });

  it("releases: register versions, diff, GET /v1/agent/release, a rollout and its controls", async () => {
    const op = await userWithToken("operator");
    const { agent, apiKey } = await newAgent();
    const params = { id: agent.id };
    const v1Body = { version: "1.0.0", config: { model: "m-1", tone: { style: "neutral" } }, notes: "first" };
    const registered = await call(versionsRoute.POST, { token: op.token, params, body: v1Body });
    conforms("POST", "/api/agents/{id}/versions", registered, 201);
    expect(registered.json).toMatchObject({ version: { version: "1.0.0", current: true } });
    conforms("POST", "/api/agents/{id}/versions", await call(versionsRoute.POST, { token: op.token, params, body: v1Body }), 200);
    conforms("POST", "/api/agents/{id}/versions", await call(versionsRoute.POST, { token: op.token, params, body: { ...v1Body, config: { model: "other" } } }), 409);
    conforms("POST", "/api/agents/{id}/versions", await call(versionsRoute.POST, { token: op.token, params, body: { version: "bad label!", config: {} } }), 400);
    conforms("POST", "/api/agents/{id}/versions", await call(versionsRoute.POST, { token: op.token, params, body: { version: "2.0.0", config: { model: "m-2", tone: { style: "warm" } } } }), 201);
    conforms("GET", "/api/agents/{id}/versions", await call(versionsRoute.GET, { token: op.token, params }), 200);
    const diff = await call(versionsDiffRoute.GET, { token: op.token, params, path: `/api/agents/${agent.id}/versions/diff?from=1.0.0&to=2.0.0` });
    conforms("GET", "/api/agents/{id}/versions/diff", diff, 200);
    expect((diff.json as { changes: { path: string }[] }).changes.map((c) => c.path).sort()).toEqual(["model", "tone.style"]);

    const release = await until(
      () => v1("GET", "/v1/agent/release?key=cust-1", apiKey),
      (r) => (r.json as { version?: string } | undefined)?.version === "1.0.0",
    );
    conforms("GET", "/v1/agent/release", release, 200);
    expect(release.json).toEqual({ version: "1.0.0", config: v1Body.config, rollout: null, step: null, share: null });
    conforms("GET", "/v1/agent/release", await v1("GET", "/v1/agent/release", apiKey), 400);

    const started = await call(rolloutsRoute.POST, { token: op.token, params, body: { candidate: "2.0.0", steps: [10, 100], guards: [{ metric: "deny_rate", maxRelativeIncrease: 0.2 }] } });
    conforms("POST", "/api/agents/{id}/rollouts", started, 201);
    const rolloutId = (started.json as { rollout: { id: string } }).rollout.id;
    expect(started.json).toMatchObject({ rollout: { status: "running", baseline: "1.0.0", step: 1, share: 10 } });
    conforms("POST", "/api/agents/{id}/rollouts", await call(rolloutsRoute.POST, { token: op.token, params, body: { candidate: "2.0.0", guards: [{ metric: "deny_rate", maxRelativeIncrease: 0.2 }] } }), 409);
    conforms("GET", "/api/agents/{id}/rollouts", await call(rolloutsRoute.GET, { token: op.token, params }), 200);
    conforms("GET", "/api/rollouts/{id}", await call(rolloutRoute.GET, { token: op.token, params: { id: rolloutId } }), 200);
    conforms("GET", "/api/rollouts/{id}/points", await call(rolloutPointsRoute.GET, { token: op.token, params: { id: rolloutId } }), 200);
    const during = await until(
      () => v1("GET", "/v1/agent/release?key=cust-1", apiKey),
      (r) => (r.json as { rollout?: string | null } | undefined)?.rollout === rolloutId,
    );
    conforms("GET", "/v1/agent/release", during, 200);
    expect(during.json).toMatchObject({ rollout: rolloutId, step: 1, share: 10 });

    conforms("POST", "/api/rollouts/{id}/{control}", await call(rolloutControlRoute.POST, { token: op.token, params: { id: rolloutId, control: "pause" }, body: { reason: "contract test" } }), 200);
    const rolledBack = await call(rolloutControlRoute.POST, { token: op.token, params: { id: rolloutId, control: "rollback" }, body: { reason: "contract test" } });
    conforms("POST", "/api/rollouts/{id}/{control}", rolledBack, 200);
    expect(rolledBack.json).toMatchObject({ status: "rolled_back", share: 0 });
    conforms("POST", "/api/rollouts/{id}/{control}", await call(rolloutControlRoute.POST, { token: op.token, params: { id: rolloutId, control: "promote" }, body: { reason: "too late" } }), 409);
    conforms("POST", "/api/rollouts/{id}/{control}", await call(rolloutControlRoute.POST, { token: op.token, params: { id: rolloutId, control: "explode" }, body: { reason: "x" } }), 404);
  });

  it("POST /v1/actions answers a receipt that GET /api/keys/receipts verifies", async () => {
    const { agent, apiKey } = await newAgent();
    const answer = await v1("POST", "/v1/actions", apiKey, { action: "catalog.read", resource: "sku:9", input: { sku: 9 } });
    conforms("POST", "/v1/actions", answer, 200);
    const { receipt } = answer.json as { receipt: { kid: string; alg: string; payload: Record<string, unknown>; signature: string } };
    expect(receipt.payload).toMatchObject({ actionId: (answer.json as { id: string }).id, agentId: agent.id, action: "catalog.read", resource: "sku:9", decision: "allow" });

    const keys = await call(keysPublishedRoute.GET as never, { params: { purpose: "receipts" } });
    conforms("GET", "/api/keys/{purpose}", keys, 200);
    const key = (keys.json as { keys: { kid: string; publicKey: string; status: string }[] }).keys.find((k) => k.kid === receipt.kid);
    expect(key?.status).toBe("current");
    // Verified with node:crypto and an RFC 8785 library, not Warden's own verifier.
    const publicKey = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: key!.publicKey }, format: "jwk" });
    const signed = Buffer.from(canonicalize(receipt.payload)!, "utf8");
    expect(verify(null, signed, publicKey, Buffer.from(receipt.signature, "base64url"))).toBe(true);
    expect(verify(null, Buffer.from(canonicalize({ ...receipt.payload, decision: "deny" })!, "utf8"), publicKey, Buffer.from(receipt.signature, "base64url"))).toBe(false);
  });
});
