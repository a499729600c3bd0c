import { describe, expect, it } from "vitest";
import * as agentsRoute from "../../app/api/agents/route.ts";
import * as agentRoute from "../../app/api/agents/[id]/route.ts";
import * as keysRoute from "../../app/api/agents/[id]/keys/route.ts";
import * as keyRoute from "../../app/api/agents/[id]/keys/[keyId]/route.ts";
import * as cohortsRoute from "../../app/api/cohorts/route.ts";
import { authenticateAgent } from "../../lib/agents/index.ts";
import { listAuditEvents } from "../../lib/audit/index.ts";
import { pool } from "../../lib/db/index.ts";
import { call, unique, userWithToken } from "../support/fixtures.ts";

const body = (over: Record<string, unknown> = {}) => ({ name: unique("price-bot"), cohort: "pricing", owner: "pricing-team@maison.example", riskTier: "high", ...over });

describe("POST /api/agents", () => {
  it("registers an agent, creates its cohort, and returns a one-time key stored only as a hash", async () => {
    const op = await userWithToken("operator");
    const cohort = unique("cohort");
    const res = await call(agentsRoute.POST, { token: op.token, body: body({ cohort }) });
    expect(res.status).toBe(201);
    expect(res.json.apiKey).toMatch(/^wdn_/);
    expect(res.json.agent).toMatchObject({ cohort, owner: "pricing-team@maison.example", riskTier: "high", status: "active" });
    expect(res.json.agent.createdBy.email).toBe(op.principal.email);
    const { rows } = await pool().query("SELECT key_hash FROM agent_keys WHERE agent_id = $1", [res.json.agent.id]);
    expect(rows).toHaveLength(1);
    expect(rows[0].key_hash).not.toContain(res.json.apiKey);
    expect((await authenticateAgent(res.json.apiKey))?.id).toBe(res.json.agent.id);
    const cohorts = await call(cohortsRoute.GET, { token: op.token });
    expect(cohorts.json.cohorts.find((c: { name: string }) => c.name === cohort)).toMatchObject({ agents: 1, status: "active" });
    const events = await listAuditEvents({ agent: res.json.agent.id, limit: 10 });
    expect(events.events.map((e) => e.kind).sort()).toEqual(["agent.registered", "agent_key.created"]);
    expect(events.events.every((e) => e.actor === `user:${op.user.id}`)).toBe(true);
    expect(JSON.stringify(events.events)).not.toContain(res.json.apiKey);
  });

  it("refuses viewers with 403 and changes nothing", async () => {
    const viewer = await userWithToken("viewer");
    const name = unique("nope");
    const res = await call(agentsRoute.POST, { token: viewer.token, body: body({ name }) });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe("forbidden");
    expect((await pool().query("SELECT 1 FROM agents WHERE name = $1", [name])).rowCount).toBe(0);
  });

  it("answers 401 to a missing or wrong token", async () => {
    expect((await call(agentsRoute.GET, {})).status).toBe(401);
    const res = await call(agentsRoute.GET, { token: "wdt_not-a-real-token" });
    expect(res.status).toBe(401);
    expect(res.json.error.code).toBe("unauthorized");
  });

  it.each([
    ["malformed JSON", { rawBody: "{not json" }, 400, "invalid_json"],
    ["a missing owner", { body: { name: "x-agent", cohort: "pricing" } }, 400, "validation_failed"],
    ["a wrong type", { body: { name: 42, cohort: "pricing", owner: "a@b.c" } }, 400, "validation_failed"],
    ["an unknown risk tier", { body: { name: "risky-one", cohort: "pricing", owner: "a@b.c", riskTier: "extreme" } }, 400, "validation_failed"],
    ["an unknown field", { body: { name: "extra-one", cohort: "pricing", owner: "a@b.c", admin: true } }, 400, "validation_failed"],
    ["a name with spaces", { body: { name: "Price Bot", cohort: "pricing", owner: "a@b.c" } }, 400, "validation_failed"],
    ["an oversize body", { body: { name: "big-one", cohort: "pricing", owner: "a@b.c", description: "x".repeat(300_000) } }, 413, "body_too_large"],
  ])("answers %s with a clear 4xx and records nothing", async (_label, input, status, code) => {
    const op = await userWithToken("operator");
    const before = (await pool().query("SELECT count(*)::int AS n FROM agents")).rows[0].n;
    const res = await call(agentsRoute.POST, { token: op.token, ...input });
    expect(res.status).toBe(status);
    expect(res.json.error.code).toBe(code);
    expect(res.json.error.message).toEqual(expect.any(String));
    expect(res.text).not.toMatch(/at .*\.ts:\d+/); // no stack trace
    expect((await pool().query("SELECT count(*)::int AS n FROM agents")).rows[0].n).toBe(before);
  });

  it("answers 409 to a duplicate name", async () => {
    const op = await userWithToken("operator");
    const b = body();
    expect((await call(agentsRoute.POST, { token: op.token, body: b })).status).toBe(201);
    const dup = await call(agentsRoute.POST, { token: op.token, body: b });
    expect(dup.status).toBe(409);
    expect(dup.json.error.code).toBe("agent_exists");
  });
});

describe("agent keys", () => {
  it("rotates without a gap and revokes the old key", async () => {
    const op = await userWithToken("operator");
    const reg = await call(agentsRoute.POST, { token: op.token, body: body() });
    const id = reg.json.agent.id;
    const oldKey = reg.json.apiKey;
    const rot = await call(keysRoute.POST, { token: op.token, params: { id } });
    expect(rot.status).toBe(201);
    const newKey = rot.json.apiKey;
    expect(newKey).not.toBe(oldKey);
    expect(await authenticateAgent(oldKey)).not.toBeNull(); // older keys keep working until revoked
    expect(await authenticateAgent(newKey)).not.toBeNull();

    const detail = await call(agentRoute.GET, { token: op.token, params: { id } });
    const oldKeyId = detail.json.agent.keys.find((k: { prefix: string }) => oldKey.startsWith(k.prefix) && k.prefix !== newKey.slice(0, 10))?.id;
    expect(oldKeyId).toBeDefined();
    expect(JSON.stringify(detail.json)).not.toMatch(/keyHash|key_hash/);

    const rev = await call(keyRoute.DELETE, { method: "DELETE", token: op.token, params: { id, keyId: oldKeyId } });
    expect(rev.status).toBe(200);
    expect(rev.json.key.revokedAt).toEqual(expect.any(String));
    expect(await authenticateAgent(oldKey)).toBeNull();
    expect(await authenticateAgent(newKey)).not.toBeNull();
    const again = await call(keyRoute.DELETE, { method: "DELETE", token: op.token, params: { id, keyId: oldKeyId } });
    expect(again.status).toBe(409);
    const kinds = (await listAuditEvents({ agent: id, limit: 10 })).events.map((e) => e.kind);
    expect(kinds).toEqual(["agent_key.revoked", "agent_key.created", "agent_key.created", "agent.registered"]);
  });

  it("answers 404 for another agent's key id", async () => {
    const op = await userWithToken("operator");
    const a = await call(agentsRoute.POST, { token: op.token, body: body() });
    const b = await call(agentsRoute.POST, { token: op.token, body: body() });
    const bKeyId = (await call(agentRoute.GET, { token: op.token, params: { id: b.json.agent.id } })).json.agent.keys[0].id;
    const res = await call(keyRoute.DELETE, { method: "DELETE", token: op.token, params: { id: a.json.agent.id, keyId: bKeyId } });
    expect(res.status).toBe(404);
  });
});

describe("PATCH /api/agents/{id}", () => {
  it("edits owner and cohort, auditing before and after", async () => {
    const op = await userWithToken("operator");
    const reg = await call(agentsRoute.POST, { token: op.token, body: body() });
    const id = reg.json.agent.id;
    const res = await call(agentRoute.PATCH, { method: "PATCH", token: op.token, params: { id }, body: { owner: "new-owner@maison.example", cohort: "pricing-eu" } });
    expect(res.status).toBe(200);
    expect(res.json.agent).toMatchObject({ owner: "new-owner@maison.example", cohort: "pricing-eu" });
    const ev = (await listAuditEvents({ agent: id, kind: "agent.updated", limit: 1 })).events[0]!;
    expect(ev.data).toMatchObject({ before: { owner: "pricing-team@maison.example", cohort: "pricing" }, after: { owner: "new-owner@maison.example", cohort: "pricing-eu" } });
  });

  it("answers 404 for an unknown agent and 400 for an empty patch", async () => {
    const op = await userWithToken("operator");
    expect((await call(agentRoute.PATCH, { method: "PATCH", token: op.token, params: { id: "agt_missing" }, body: { owner: "x@y.z" } })).status).toBe(404);
    const reg = await call(agentsRoute.POST, { token: op.token, body: body() });
    expect((await call(agentRoute.PATCH, { method: "PATCH", token: op.token, params: { id: reg.json.agent.id }, body: {} })).status).toBe(400);
  });
});
