import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { registerAgent, revokeAgentKey, rotateAgentKey } from "../../lib/agents/index.ts";
import { handleDataPlane } from "../../lib/dataplane/index.ts";
import { prisma } from "../../lib/db/index.ts";
import { unique } from "../support/fixtures.ts";

let server: http.Server;
let base: string;

beforeAll(async () => {
  server = http.createServer((req, res) => void handleDataPlane(req, res));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));

const get = (path: string, key?: string) => fetch(`${base}${path}`, { headers: key ? { authorization: `Bearer ${key}` } : {} });

describe("GET /v1/agent", () => {
  it("tells an agent who it is", async () => {
    const { agent, apiKey } = await registerAgent({ input: { name: unique("stylist"), cohort: "stylist", owner: "dx@maison.example", riskTier: "low" }, actor: "system", createdById: null });
    const res = await get("/v1/agent", apiKey);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ id: agent.id, name: agent.name, cohort: "stylist", owner: "dx@maison.example", riskTier: "low", status: "active", capabilities: null });
  });

  it("reads halted when the agent, its cohort or everything is halted", async () => {
    const cohort = unique("halt-cohort");
    const { agent, apiKey } = await registerAgent({ input: { name: unique("halted"), cohort, owner: "x@y.zz" }, actor: "system", createdById: null });
    await prisma().agent.update({ where: { id: agent.id }, data: { haltedAt: new Date(), haltReason: "runaway pricing" } });
    expect(await (await get("/v1/agent", apiKey)).json()).toMatchObject({ status: "halted", haltReason: "runaway pricing" });
    await prisma().agent.update({ where: { id: agent.id }, data: { haltedAt: null, haltReason: null } });
    await prisma().cohort.update({ where: { name: cohort }, data: { haltedAt: new Date(), haltReason: "cohort incident" } });
    expect(await (await get("/v1/agent", apiKey)).json()).toMatchObject({ status: "halted", haltReason: "cohort incident" });
    await prisma().cohort.update({ where: { name: cohort }, data: { haltedAt: null, haltReason: null } });
    await prisma().controlState.update({ where: { id: 1 }, data: { haltedAt: new Date(), haltReason: "global freeze" } });
    try {
      expect(await (await get("/v1/agent", apiKey)).json()).toMatchObject({ status: "halted", haltReason: "global freeze" });
    } finally {
      await prisma().controlState.update({ where: { id: 1 }, data: { haltedAt: null, haltReason: null } });
    }
    expect(await (await get("/v1/agent", apiKey)).json()).toMatchObject({ status: "active" });
  });

  it("answers 401 without a key, with an unknown key, and with a revoked key", async () => {
    const { agent, apiKey, keyId } = await registerAgent({ input: { name: unique("revoked"), cohort: "pricing", owner: "x@y.zz" }, actor: "system", createdById: null });
    expect((await get("/v1/agent")).status).toBe(401);
    expect((await get("/v1/agent", "wdn_unknown")).status).toBe(401);
    const { apiKey: fresh } = await rotateAgentKey({ agentId: agent.id, actor: "system", createdById: null });
    await revokeAgentKey({ agentId: agent.id, keyId, actor: "system" });
    const res = await get("/v1/agent", apiKey);
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe("unauthorized");
    expect((await get("/v1/agent", fresh)).status).toBe(200);
  });

  it("answers 404 for unknown paths and 405 for wrong methods, as JSON errors", async () => {
    const notFound = await get("/v1/nothing-here");
    expect(notFound.status).toBe(404);
    expect((await notFound.json()).error.code).toBe("not_found");
    const wrong = await fetch(`${base}/v1/agent`, { method: "DELETE" });
    expect(wrong.status).toBe(405);
  });
});
