// Issue #10 §1: hostile input never reaches a 500 (and never blocks a halt). Every example
// of the issue is here; test/integration/boundary-fuzz.test.ts searches the space around them.
import http from "node:http";
import type { AddressInfo } from "node:net";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as agentHaltRoute from "../../app/api/agents/[id]/halt/route.ts";
import * as agentRoute from "../../app/api/agents/[id]/route.ts";
import * as agentsRoute from "../../app/api/agents/route.ts";
import * as notFoundRoute from "../../app/api/[[...slug]]/route.ts";
import * as auditRoute from "../../app/api/audit/route.ts";
import * as meRoute from "../../app/api/me/route.ts";
import * as policiesRoute from "../../app/api/policies/route.ts";
import * as tokensRoute from "../../app/api/tokens/route.ts";
import { startSession } from "../../lib/auth/index.ts";
import { pool } from "../../lib/db/index.ts";
import { ingress, parseTrustedProxies } from "../../lib/http/index.ts";
import { MAX_JSON_DEPTH } from "../../lib/validation/index.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { adminPersonalToken, call, unique, userWithToken } from "../support/fixtures.ts";
import { stateSnapshot } from "../support/state.ts";

const NUL = "stop\u0000now";
const LONE = "half \ud800 a pair";
const deep = (levels: number) => `${'{"a":'.repeat(levels)}1${"}".repeat(levels)}`;

let dp: Awaited<ReturnType<typeof startDataPlane>>;
beforeAll(async () => {
  dp = await startDataPlane();
});
afterAll(async () => {
  await dp.close();
});

function expectValidationFailed(res: { status: number; json: any }, path: string) {
  expect(res.status, JSON.stringify(res.json)).toBe(400);
  expect(res.json.error.code).toBe("validation_failed");
  expect(res.json.error.message).toContain(path);
  expect(res.json.error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path })]));
}

describe("the data plane (/v1) refuses text and numbers PostgreSQL can't store, naming the path", () => {
  const good = { action: "pricing.set_price", resource: "sku:1", input: { price: 1 }, context: { note: "ok" } };

  it.each([
    ["input", { ...good, input: { note: NUL } }, "input.note"],
    ["input (lone surrogate)", { ...good, input: { note: LONE } }, "input.note"],
    ["context", { ...good, context: { who: NUL } }, "context.who"],
    ["resource", { ...good, resource: LONE }, "resource"],
    ["idempotencyKey", { ...good, idempotencyKey: NUL }, "idempotencyKey"],
    ["an object key", { ...good, input: { ["bad\u0000key"]: 1 } }, "input.bad\\u0000key"],
    ["an object key (lone surrogate)", { ...good, input: { list: [{ ["\udc00"]: 1 }] } }, "input.list.0.\\udc00"],
  ])("%s", async (_what, body, path) => {
    const { apiKey } = await newAgent();
    const before = await stateSnapshot();
    expectValidationFailed(await client(dp.base, apiKey).ask(body), path);
    expect(await stateSnapshot()).toBe(before);
  });

  it('input {"n": 1e309} is 400 (JSON.parse reads Infinity), and so is the same number in a result\'s output', async () => {
    const { apiKey } = await newAgent();
    const c = client(dp.base, apiKey);
    const before = await stateSnapshot();
    expectValidationFailed(await c.raw("POST", "/v1/actions", '{"action":"pricing.set_price","input":{"n":1e309}}'), "input.n");
    expect(await stateSnapshot()).toBe(before);
    const asked = await c.ask(good);
    expect(asked.status).toBe(200);
    const afterAsk = await stateSnapshot();
    expectValidationFailed(await c.raw("POST", `/v1/actions/${asked.json.id}/result`, '{"status":"succeeded","output":{"n":-1e309}}'), "output.n");
    expectValidationFailed(await c.result(asked.json.id, { status: "failed", error: NUL }), "error");
    expectValidationFailed(await c.result(asked.json.id, { status: "succeeded", output: { ["k\u0000"]: LONE } }), "output.k\\u0000");
    expect(await stateSnapshot()).toBe(afterAsk);
    expect((await c.result(asked.json.id, { status: "succeeded", output: { n: 1e308 } })).status).toBe(200);
  });

  it("input nested 10,000 levels is 400 without exhausting the stack; 64 levels are fine", async () => {
    const { apiKey } = await newAgent();
    const c = client(dp.base, apiKey);
    const before = await stateSnapshot();
    const res = await c.raw("POST", "/v1/actions", `{"action":"pricing.set_price","input":${deep(10_000)}}`);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatchObject({ code: "validation_failed", message: expect.stringContaining(`deeper than ${MAX_JSON_DEPTH}`) });
    expect(await stateSnapshot()).toBe(before);
    // The body itself is one level: input may hold 63 more.
    expect((await c.raw("POST", "/v1/actions", `{"action":"pricing.set_price","input":${deep(MAX_JSON_DEPTH - 2)}}`)).status).toBe(200);
  });

  it("%00 or broken %-encoding in a /v1 path or query is 400, not a 500", async () => {
    const { apiKey } = await newAgent();
    const c = client(dp.base, apiKey);
    const asked = await c.ask(good);
    for (const path of [`/v1/actions/${asked.json.id}?wait=%00`, `/v1/actions/${asked.json.id}?wait=%E0%A4`, `/v1/actions/%00`, `/v1/actions/%zz`]) {
      const res = await c.raw("GET", path);
      expect(res.status, path).toBe(400);
      expect(res.json.error.code, path).toBe("validation_failed");
    }
  });
});

describe("the control plane (/api) refuses the same, in every field the issue names", () => {
  it("a halt whose reason holds a NUL is 400 and changes nothing; the clean retry halts the agent", async () => {
    const op = await userWithToken("operator");
    const { agent } = await newAgent();
    const before = await stateSnapshot();
    const res = await call(agentHaltRoute.POST, { token: op.token, params: { id: agent.id }, body: { reason: NUL } });
    expectValidationFailed(res, "reason");
    expect(await stateSnapshot()).toBe(before);
    const retry = await call(agentHaltRoute.POST, { token: op.token, params: { id: agent.id }, body: { reason: "stop now" } });
    expect(retry.status).toBe(200);
    const { rows } = await pool().query("SELECT halted_at FROM agents WHERE id = $1", [agent.id]);
    expect(rows[0].halted_at).not.toBeNull();
  });

  it("an agent's owner and description, a policy's condition and message, a token's name", async () => {
    const admin = await adminPersonalToken();
    const { agent } = await newAgent();
    const before = await stateSnapshot();
    expectValidationFailed(await call(agentsRoute.POST, { token: admin.token, body: { name: unique("a"), cohort: "pricing", owner: `x${NUL}` } }), "owner");
    expectValidationFailed(await call(agentRoute.PATCH, { method: "PATCH", token: admin.token, params: { id: agent.id }, body: { description: LONE } }), "description");
    const policy = { name: unique("p"), effect: "deny", condition: "true", message: "m" };
    expectValidationFailed(await call(policiesRoute.POST, { token: admin.token, body: { ...policy, condition: `input.s == '${NUL}'` } }), "condition");
    expectValidationFailed(await call(policiesRoute.POST, { token: admin.token, body: { ...policy, message: LONE } }), "message");
    expectValidationFailed(await call(tokensRoute.POST, { token: admin.token, body: { name: NUL } }), "name");
    expectValidationFailed(await call(tokensRoute.POST, { token: admin.token, rawBody: '{"name":"ci","expiresInDays":1e309}' }), "expiresInDays");
    expect(await stateSnapshot()).toBe(before);
  });

  it("a body nested 10,000 levels is 400", async () => {
    const admin = await adminPersonalToken();
    const res = await call(tokensRoute.POST, { token: admin.token, rawBody: `{"name":"x","extra":${deep(10_000)}}` });
    expect(res.status).toBe(400);
    expect(res.json.error.code).toBe("validation_failed");
  });

  it("%00 and broken %-encoding in a query (/api/audit?q=%00) or a route parameter are 400", async () => {
    const u = await userWithToken("viewer");
    for (const path of ["/api/audit?q=%00", "/api/audit?q=%E0%A4%A", "/api/audit?%ff=1", "/api/audit?q=a%00b&limit=5"]) {
      const res = await call(auditRoute.GET, { token: u.token, path });
      expect(res.status, path).toBe(400);
      expect(res.json.error.code, path).toBe("validation_failed");
    }
    expect((await call(auditRoute.GET, { token: u.token, path: "/api/audit?q=caf%C3%A9+au+lait" })).status).toBe(200);
    const res = await call(agentRoute.GET, { token: u.token, path: "/api/agents/x", params: { id: "agt\u0000" } });
    expectValidationFailed(res, "params.id");
  });

  it("a Cookie header with one badly %-encoded unrelated cookie still authenticates the session", async () => {
    const u = await userWithToken("viewer");
    const sid = await startSession(u.user.id);
    const jwt = await encode({ token: { sub: u.user.id, sid }, secret: process.env.NEXTAUTH_SECRET! });
    const cookie = `theme=%E0%A4%A; other=%zz; next-auth.session-token=${jwt}; last=%`;
    const res = await call(meRoute.GET, { headers: { cookie } });
    expect(res.status).toBe(200);
    expect(res.json.user.id).toBe(u.user.id);
  });

  it("an unknown /api path is a JSON 404 for any method", async () => {
    for (const method of ["GET", "POST", "DELETE", "PATCH"] as const) {
      const res = await call(notFoundRoute[method], { method, path: "/api/no/such/thing" });
      expect(res.status).toBe(404);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(res.json.error).toMatchObject({ code: "not_found", message: expect.stringContaining("/api/no/such/thing") });
    }
  });
});

describe("the ingress (server.ts's first step)", () => {
  // As server.ts mounts it, with a stand-in for Next.js that answers a method it doesn't
  // serve as Next 16 does (auto-implement-methods' `new Response(null, {status: 405})`, sent
  // as writeHead(405) then end(undefined, undefined); e2e/security.spec.ts checks the real one).
  async function server() {
    const s = http.createServer((req, res) => {
      if (ingress(req, res, parseTrustedProxies(undefined))) return;
      if (req.url === "/api/streamed") {
        // Like Next's compression, a later layer wraps write/end: the ingress must not unwrap it.
        const write = res.write.bind(res) as (chunk: string) => boolean;
        const end = res.end.bind(res) as (chunk?: string) => http.ServerResponse;
        (res as { write: unknown }).write = (chunk: string) => write(chunk.toUpperCase());
        (res as { end: unknown }).end = (chunk?: string) => end(chunk?.toUpperCase());
        res.writeHead(200, { "content-type": "text/plain" });
        res.write("a");
        res.write("b");
        res.end("c");
        return;
      }
      if (req.method === "GET") {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ seen: req.url }));
        return;
      }
      if (req.method === "PUT") {
        // A 405 with a body of its own keeps it.
        res.writeHead(405, { "content-type": "text/plain" });
        res.end("mine");
        return;
      }
      if (req.method === "PATCH") {
        res.statusCode = 405;
        res.end();
        return;
      }
      res.writeHead(405);
      res.end(undefined, undefined);
    });
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    return { base: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, close: () => new Promise<void>((r) => s.close(() => r())) };
  }

  it("answers an undecodable /api path 400 in the JSON error shape, a page 400 in plain text", async () => {
    const s = await server();
    try {
      for (const path of ["/api/agents/%E0%A4%A", "/api/agents/%00", "/api/audit?q=%00"]) {
        const res = await fetch(`${s.base}${path}`);
        expect(res.status, path).toBe(400);
        expect(res.headers.get("content-type")).toContain("application/json");
        expect(((await res.json()) as any).error.code).toBe("validation_failed");
      }
      const page = await fetch(`${s.base}/agents/%zz`);
      expect(page.status).toBe(400);
      expect(page.headers.get("content-type")).toContain("text/plain");
      expect((await fetch(`${s.base}/api/agents/caf%C3%A9`)).status).toBe(200);
    } finally {
      await s.close();
    }
  });

  it("gives Next's body-less 405 on /api the JSON error body; elsewhere leaves it alone", async () => {
    const s = await server();
    try {
      const res = await fetch(`${s.base}/api/overview`, { method: "DELETE" });
      expect(res.status).toBe(405);
      expect(res.headers.get("content-type")).toContain("application/json");
      expect(await res.json()).toEqual({ error: { code: "method_not_allowed", message: "DELETE is not supported on /api/overview" } });
      const patch = await fetch(`${s.base}/api/overview`, { method: "PATCH" });
      expect(patch.status).toBe(405);
      expect(((await patch.json()) as any).error.code).toBe("method_not_allowed");
      const own = await fetch(`${s.base}/api/overview`, { method: "PUT" });
      expect(await own.text()).toBe("mine");
      expect(await (await fetch(`${s.base}/api/streamed`)).text()).toBe("ABC");
      const page = await fetch(`${s.base}/agents`, { method: "DELETE" });
      expect(page.status).toBe(405);
      expect(await page.text()).toBe("");
    } finally {
      await s.close();
    }
  });
});
