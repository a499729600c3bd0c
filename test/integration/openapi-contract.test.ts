import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as agentRoute from "../../app/api/agents/[id]/route.ts";
import * as keyRoute from "../../app/api/agents/[id]/keys/[keyId]/route.ts";
import * as keysRoute from "../../app/api/agents/[id]/keys/route.ts";
import * as agentsRoute from "../../app/api/agents/route.ts";
import * as approvalsCountRoute from "../../app/api/approvals/count/route.ts";
import * as auditRoute from "../../app/api/audit/route.ts";
import * as cohortHaltRoute from "../../app/api/cohorts/[name]/halt/route.ts";
import * as cohortResumeRoute from "../../app/api/cohorts/[name]/resume/route.ts";
import * as cohortsRoute from "../../app/api/cohorts/route.ts";
import * as haltRoute from "../../app/api/halt/route.ts";
import * as healthRoute from "../../app/api/health/route.ts";
import * as keysPublishedRoute from "../../app/api/keys/[purpose]/route.ts";
import * as loginRoute from "../../app/api/login/route.ts";
import * as meRoute from "../../app/api/me/route.ts";
import * as openapiRoute from "../../app/api/openapi.json/route.ts";
import * as policiesRoute from "../../app/api/policies/route.ts";
import * as validateRoute from "../../app/api/policies/validate/route.ts";
import * as redactionRoute from "../../app/api/settings/redaction/route.ts";
import * as teamsRoute from "../../app/api/teams/route.ts";
import * as tokensRoute from "../../app/api/tokens/route.ts";
import * as usersRoute from "../../app/api/users/route.ts";
import * as webhooksRoute from "../../app/api/webhooks/route.ts";
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
