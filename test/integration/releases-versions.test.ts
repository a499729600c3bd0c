import { beforeAll, describe, expect, it } from "vitest";
import * as diffRoute from "../../app/api/agents/[id]/versions/diff/route.ts";
import { pool } from "../../lib/db/index.ts";
import { createPolicy, policySpecSchema } from "../../lib/policies/index.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { call, unique, userWithToken } from "../support/fixtures.ts";
import { releasesApi } from "../support/releases.ts";

let dp: Awaited<ReturnType<typeof startDataPlane>>;
let op: Awaited<ReturnType<typeof userWithToken>>;
let viewer: Awaited<ReturnType<typeof userWithToken>>;

beforeAll(async () => {
  dp = await startDataPlane();
  op = await userWithToken("operator");
  viewer = await userWithToken("viewer");
  return () => dp.close();
});

describe("agent versions", () => {
  it("registers immutable versions: the first becomes current, the same label and config again is the same version, another config is 409", async () => {
    const { agent } = await newAgent();
    const api = releasesApi(op.token);
    const first = await api.register(agent.id, { version: "stylist-v14", config: { model: "m-1", temperature: 0.2 }, notes: "spring" });
    expect(first.status).toBe(201);
    expect(first.json.version).toMatchObject({ version: "stylist-v14", config: { model: "m-1", temperature: 0.2 }, notes: "spring", current: true, createdBy: op.principal.email });
    const again = await api.register(agent.id, { version: "stylist-v14", config: { temperature: 0.2, model: "m-1" } });
    expect(again.status).toBe(200);
    expect(again.json.version.createdAt).toBe(first.json.version.createdAt);
    const clash = await api.register(agent.id, { version: "stylist-v14", config: { model: "m-2" } });
    expect(clash.status).toBe(409);
    expect(clash.json.error.code).toBe("version_exists");
    const second = await api.register(agent.id, { version: "stylist-v15", config: { model: "m-2", temperature: 0.2, tools: ["catalog"] } });
    expect(second.json.version.current).toBe(false);
    const list = await call((await import("../../app/api/agents/[id]/versions/route.ts")).GET, { token: viewer.token, params: { id: agent.id } });
    expect(list.json.map((v: { version: string }) => v.version)).toEqual(["stylist-v15", "stylist-v14"]);
    expect(Object.keys(list.json[0]).sort()).toEqual(["config", "createdAt", "createdBy", "current", "notes", "version"]);
    const { rows } = await pool().query(`SELECT kind, data FROM audit_events WHERE agent_id = $1 AND kind = 'agent_version.registered' ORDER BY seq`, [agent.id]);
    expect(rows.map((r) => r.data.version)).toEqual(["stylist-v14", "stylist-v15"]);
  });

  it("diffs two versions: paths added, removed and changed, with who and when", async () => {
    const { agent } = await newAgent();
    const api = releasesApi(op.token);
    await api.register(agent.id, { version: "a", config: { model: "m-1", prompt: { hash: "h1" }, tools: ["x"] } });
    await api.register(agent.id, { version: "b", config: { model: "m-2", prompt: { hash: "h1" }, tools: ["x", "y"], topP: 0.9 } });
    const d = await call(diffRoute.GET, { token: viewer.token, path: "/api/x?from=a&to=b", params: { id: agent.id } });
    expect(d.status).toBe(200);
    expect(d.json.from).toMatchObject({ version: "a", createdBy: op.principal.email });
    expect(d.json.changes).toEqual(
      expect.arrayContaining([
        { path: "model", kind: "changed", from: "m-1", to: "m-2" },
        { path: "tools[1]", kind: "added", to: "y" },
        { path: "topP", kind: "added", to: 0.9 },
      ]),
    );
    expect(d.json.changes).toHaveLength(3);
    const missing = await call(diffRoute.GET, { token: viewer.token, path: "/api/x?from=a&to=zzz", params: { id: agent.id } });
    expect(missing.status).toBe(404);
  });

  it("stores configs PII-redacted and refuses bad input without changing anything", async () => {
    const { agent } = await newAgent();
    const api = releasesApi(op.token);
    const r = await api.register(agent.id, { version: "v1", config: { escalateTo: "jane.doe@maison.example", model: "m" } });
    expect(r.json.version.config.escalateTo).toMatch(/^\[redacted:email:/);
    const { rows } = await pool().query(`SELECT config::text AS c FROM agent_versions WHERE agent_id = $1`, [agent.id]);
    expect(rows[0].c).not.toContain("jane.doe");
    const big = await api.register(agent.id, { version: "v2", config: { blob: "x".repeat(65 * 1024) } });
    expect(big.status).toBeGreaterThanOrEqual(400);
    expect(big.status).toBeLessThan(500);
    expect((await api.register(agent.id, { version: "has space", config: {} })).status).toBe(400);
    expect((await api.register(agent.id, { version: "v3", config: [1, 2] })).status).toBe(400);
    expect((await api.register("agt_nope", { version: "v3", config: {} })).status).toBe(404);
    const forbidden = await releasesApi(viewer.token).register(agent.id, { version: "v4", config: {} });
    expect(forbidden.status).toBe(403);
    expect((await api.versions(agent.id)).json.map((v: { version: string }) => v.version)).toEqual(["v1"]);
  });
});

describe("version on POST /v1/actions", () => {
  it("records the version on the action and its audit event; an unknown version is 400 unknown_version and records nothing", async () => {
    const { agent, apiKey } = await newAgent();
    await releasesApi(op.token).register(agent.id, { version: "pricing-2026.11.3", config: { model: "m" } });
    const api = client(dp.base, apiKey);
    const ok = await api.ask({ action: "pricing.set_price", version: "pricing-2026.11.3" });
    expect(ok.status).toBe(200);
    const { rows } = await pool().query(`SELECT version FROM actions WHERE id = $1`, [ok.json.id]);
    expect(rows[0].version).toBe("pricing-2026.11.3");
    const audit = await pool().query(`SELECT data FROM audit_events WHERE subject = $1 AND kind = 'action.decided'`, [`action:${ok.json.id}`]);
    expect(audit.rows[0].data.version).toBe("pricing-2026.11.3");
    const bad = await api.ask({ action: "pricing.set_price", version: "pricing-9" });
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe("unknown_version");
    const count = await pool().query(`SELECT count(*)::int AS n FROM actions WHERE agent_id = $1`, [agent.id]);
    expect(count.rows[0].n).toBe(1);
    // Another agent's version is unknown to this one.
    const other = await newAgent();
    await releasesApi(op.token).register(other.agent.id, { version: "other-v1", config: {} });
    expect((await api.ask({ action: "pricing.set_price", version: "other-v1" })).json.error.code).toBe("unknown_version");
  });

  it("lets policies target versions and read agent.version in CEL", async () => {
    const { agent, apiKey } = await newAgent();
    const tag = unique("rel").replace(/-/g, "");
    for (const v of [`${tag}-v1`, `${tag}-v2`]) await releasesApi(op.token).register(agent.id, { version: v, config: { v } });
    await createPolicy({
      spec: policySpecSchema.parse({ name: unique("deny-v2"), effect: "deny", target: { versions: [`${tag}-v2`] }, condition: "true", message: "v2 may not" }),
      actor: "system",
      userId: null,
    });
    await createPolicy({
      spec: policySpecSchema.parse({ name: unique("cel-version"), effect: "require_approval", condition: `agent.version == "${tag}-v1" && input.price < 10.0`, message: "v1 cheap prices" }),
      actor: "system",
      userId: null,
    });
    const api = client(dp.base, apiKey);
    expect((await api.ask({ action: "a.b", version: `${tag}-v2` })).json.decision).toBe("deny");
    expect((await api.ask({ action: "a.b", version: `${tag}-v1`, input: { price: 20 } })).json.decision).toBe("allow");
    expect((await api.ask({ action: "a.b", version: `${tag}-v1`, input: { price: 5 } })).json.decision).toBe("pending");
    // Without a version: not targeted, and agent.version is "".
    expect((await api.ask({ action: "a.b", input: { price: 5 } })).json.decision).toBe("allow");
  });
});
