import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAuditEvents, verifyAuditChain } from "../../lib/audit/index.ts";
import { pool } from "../../lib/db/index.ts";
import { halt, resume } from "../../lib/killswitch/index.ts";
import { createPolicy, policySpecSchema, policyUpdateSchema, setPolicyEnabled, updatePolicy } from "../../lib/policies/index.ts";
import { unique } from "../support/fixtures.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";

let dp: Awaited<ReturnType<typeof startDataPlane>>;
beforeAll(async () => {
  dp = await startDataPlane();
});
afterAll(() => dp.close());

const policy = (spec: Record<string, unknown>) => createPolicy({ spec: policySpecSchema.parse({ name: unique("p"), ...spec }), actor: "system", userId: null });

/** An agent in a cohort of its own, so each test's policies touch only its agent. */
async function scenario() {
  const cohort = unique("c");
  const a = await newAgent({ cohort });
  return { cohort, ...a, api: client(dp.base, a.apiKey) };
}

describe("combining rules", () => {
  it("allows by default, with a default reason, and records one audit event before answering", async () => {
    const s = await scenario();
    const res = await s.api.ask({ action: "pricing.set_price", resource: "sku:1", input: { price: 120.5 } });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ decision: "allow", status: "allowed", reasons: [{ code: "default" }], shadow: [] });
    const ev = await listAuditEvents({ subject: `action:${res.json.id}`, limit: 10 });
    expect(ev.events).toHaveLength(1);
    expect(ev.events[0]).toMatchObject({ kind: "action.decided", actor: `agent:${s.agent.id}`, data: { decision: "allow" } });
  });

  it("denies when any enforced deny matches, even if others ask for approval", async () => {
    const s = await scenario();
    const deny = await policy({ effect: "deny", target: { cohorts: [s.cohort] }, condition: "input.price < 100.0", message: "floor" });
    await policy({ effect: "require_approval", target: { cohorts: [s.cohort] }, condition: "input.price < 1000.0" });
    const res = await s.api.ask({ action: "pricing.set_price", input: { price: 50 } });
    expect(res.json.decision).toBe("deny");
    expect(res.json.reasons).toEqual([expect.objectContaining({ code: "policy", policyId: deny.id, policyName: deny.name, effect: "deny", message: "floor" })]);
  });

  it("asks a human when only require_approval matches, with the largest quorum and shortest timeout", async () => {
    const s = await scenario();
    await policy({ effect: "require_approval", target: { cohorts: [s.cohort] }, condition: "true", approval: { quorum: 1, timeoutSeconds: 600 } });
    await policy({ effect: "require_approval", target: { cohorts: [s.cohort] }, condition: "true", approval: { quorum: 2, timeoutSeconds: 3600 } });
    const before = Date.now();
    const res = await s.api.ask({ action: "orders.refund", input: { amount: 900 } });
    expect(res.json).toMatchObject({ decision: "pending", status: "pending" });
    expect(res.json.reasons).toHaveLength(2);
    const expires = Date.parse(res.json.expiresAt) - before;
    expect(expires).toBeGreaterThan(590_000);
    expect(expires).toBeLessThan(610_000);
    const { rows } = await pool().query("SELECT quorum FROM actions WHERE id = $1", [res.json.id]);
    expect(rows[0].quorum).toBe(2);
  });

  it("targets by cohort, agent and action glob", async () => {
    const s = await scenario();
    await policy({ effect: "deny", target: { cohorts: [s.cohort], agents: [s.agent.name], actions: ["pricing.*"] }, condition: "true" });
    expect((await s.api.ask({ action: "pricing.set_price" })).json.decision).toBe("deny");
    expect((await s.api.ask({ action: "inventory.reorder" })).json.decision).toBe("allow");
    const other = await scenario();
    expect((await other.api.ask({ action: "pricing.set_price" })).json.decision).toBe("allow");
  });

  it("reports matching allow policies as the reason", async () => {
    const s = await scenario();
    const allow = await policy({ effect: "allow", target: { cohorts: [s.cohort] }, condition: "input.price > 0.0", message: "positive price" });
    const res = await s.api.ask({ action: "x.y", input: { price: 10 } });
    expect(res.json.reasons).toEqual([expect.objectContaining({ policyId: allow.id, effect: "allow" })]);
  });
});

describe("failing closed", () => {
  it("counts a deny condition that errors at run time as matched, and says so", async () => {
    const s = await scenario();
    await policy({ effect: "deny", target: { cohorts: [s.cohort] }, condition: "input.price < 100.0", message: "floor" });
    const res = await s.api.ask({ action: "pricing.set_price", input: { sku: "no price field" } });
    expect(res.json.decision).toBe("deny");
    expect(res.json.reasons[0].message).toMatch(/fail closed/);
  });

  it("escalates a require_approval condition that errors", async () => {
    const s = await scenario();
    await policy({ effect: "require_approval", target: { cohorts: [s.cohort] }, condition: "input.units > 1000" });
    expect((await s.api.ask({ action: "inventory.reorder", input: { units: "many" } })).json.decision).toBe("pending");
  });

  it("does not let an erroring allow condition allow anything by itself", async () => {
    const s = await scenario();
    await policy({ effect: "allow", target: { cohorts: [s.cohort] }, condition: "input.nothing == 1.0" });
    const res = await s.api.ask({ action: "x.y", input: {} });
    expect(res.json).toMatchObject({ decision: "allow", reasons: [{ code: "default" }] });
  });
});

describe("shadow mode", () => {
  it("reports what a shadow policy would decide without changing the decision", async () => {
    const s = await scenario();
    const shadow = await policy({ effect: "deny", mode: "shadow", target: { cohorts: [s.cohort] }, condition: "size(input.items) > 2", message: "too many" });
    const res = await s.api.ask({ action: "stylist.recommend", input: { items: [1, 2, 3] } });
    expect(res.json.decision).toBe("allow");
    expect(res.json.shadow).toEqual([expect.objectContaining({ policyId: shadow.id, effect: "deny", message: "too many" })]);
  });
});

describe("policy versions", () => {
  it("keeps every version and records which version decided", async () => {
    const s = await scenario();
    const p = await policy({ effect: "deny", target: { cohorts: [s.cohort] }, condition: "input.price < 100.0" });
    expect((await s.api.ask({ action: "a.b", input: { price: 150 } })).json.decision).toBe("allow");
    const v2 = await updatePolicy({ policyId: p.id, spec: policyUpdateSchema.parse({ ...p, condition: "input.price < 200.0" }), actor: "system", userId: null });
    expect(v2.version).toBe(2);
    expect(v2.versions!.map((v) => [v.version, v.condition])).toEqual([[2, "input.price < 200.0"], [1, "input.price < 100.0"]]);
    const res = await s.api.ask({ action: "a.b", input: { price: 150 } });
    expect(res.json.reasons[0]).toMatchObject({ policyId: p.id, policyVersion: 2 });
    const { rows } = await pool().query("SELECT policy_versions FROM actions WHERE id = $1", [res.json.id]);
    expect(rows[0].policy_versions).toEqual([{ policyId: p.id, version: 2, matched: true }]);
    const ev = (await listAuditEvents({ subject: `policy:${p.id}`, kind: "policy.updated", limit: 1 })).events[0]!;
    expect(ev.data).toMatchObject({ version: 2, changed: ["condition"], before: { condition: "input.price < 100.0" }, after: { condition: "input.price < 200.0" } });
    await setPolicyEnabled({ policyId: p.id, enabled: false, actor: "system" });
    expect((await s.api.ask({ action: "a.b", input: { price: 150 } })).json.decision).toBe("allow");
  });
});

describe("idempotency", () => {
  it("answers a retry with the first answer and records it once", async () => {
    const s = await scenario();
    const body = { action: "orders.refund", input: { amount: 20 }, idempotencyKey: unique("k") };
    const [a, b] = await Promise.all([s.api.ask(body), s.api.ask(body)]);
    const c = await s.api.ask(body);
    expect(a.json.id).toBe(b.json.id);
    expect(c.json.id).toBe(a.json.id);
    const { rows } = await pool().query("SELECT count(*)::int AS n FROM actions WHERE agent_id = $1", [s.agent.id]);
    expect(rows[0].n).toBe(1);
    expect((await listAuditEvents({ subject: `action:${a.json.id}`, limit: 10 })).events).toHaveLength(1);
  });

  it("refuses the same key with a different body (409) and accepts the Idempotency-Key header", async () => {
    const s = await scenario();
    const key = unique("k");
    const first = await s.api.ask({ action: "orders.refund", input: { amount: 20 } }, { "idempotency-key": key });
    const again = await s.api.ask({ action: "orders.refund", input: { amount: 20 } }, { "idempotency-key": key });
    expect(again.json.id).toBe(first.json.id);
    const clash = await s.api.ask({ action: "orders.refund", input: { amount: 9000 } }, { "idempotency-key": key });
    expect(clash.status).toBe(409);
    expect(clash.json.error.code).toBe("idempotency_conflict");
  });

  it("scopes keys per agent", async () => {
    const a = await scenario();
    const b = await scenario();
    const key = unique("k");
    const ra = await a.api.ask({ action: "x.y", idempotencyKey: key });
    const rb = await b.api.ask({ action: "x.y", idempotencyKey: key });
    expect(rb.status).toBe(200);
    expect(rb.json.id).not.toBe(ra.json.id);
  });
});

describe("the kill switch", () => {
  it("halts one agent, its cohort, or everything, and resumes", async () => {
    const s = await scenario();
    const peer = await newAgent({ cohort: s.cohort });
    const peerApi = client(dp.base, peer.apiKey);

    await halt({ scope: { kind: "agent", agentId: s.agent.id }, reason: "runaway", actor: "user:test" });
    expect((await s.api.ask({ action: "x.y" })).json).toMatchObject({ decision: "deny", reasons: [{ code: "agent_halted" }] });
    expect((await peerApi.ask({ action: "x.y" })).json.decision).toBe("allow");
    await resume({ scope: { kind: "agent", agentId: s.agent.id }, actor: "user:test" });

    await halt({ scope: { kind: "cohort", name: s.cohort }, reason: "incident 42", actor: "user:test" });
    expect((await s.api.ask({ action: "x.y" })).json).toMatchObject({ decision: "deny", reasons: [{ code: "cohort_halted", message: expect.stringContaining("incident 42") }] });
    expect((await peerApi.ask({ action: "x.y" })).json.decision).toBe("deny");
    await resume({ scope: { kind: "cohort", name: s.cohort }, actor: "user:test" });

    await halt({ scope: { kind: "global" }, reason: "freeze", actor: "user:test" });
    try {
      expect((await s.api.ask({ action: "x.y" })).json).toMatchObject({ decision: "deny", reasons: [{ code: "global_halt" }] });
    } finally {
      await resume({ scope: { kind: "global" }, actor: "user:test" });
    }
    expect((await s.api.ask({ action: "x.y" })).json.decision).toBe("allow");
    const kinds = (await listAuditEvents({ cohort: s.cohort, kind: "cohort.*", limit: 10 })).events.map((e) => [e.kind, e.actor]);
    expect(kinds).toEqual([["cohort.resumed", "user:test"], ["cohort.halted", "user:test"], ["cohort.created", "system"]]);
  });

  it("rejects the pending actions a halt covers, waking an agent that waits", async () => {
    const s = await scenario();
    await policy({ effect: "require_approval", target: { cohorts: [s.cohort] }, condition: "true" });
    const pending = await s.api.ask({ action: "orders.refund" });
    expect(pending.json.status).toBe("pending");
    const waiting = s.api.get(pending.json.id, 20);
    await new Promise((r) => setTimeout(r, 200));
    const started = Date.now();
    const h = await halt({ scope: { kind: "cohort", name: s.cohort }, reason: "stop refunds", actor: "user:test" });
    expect(h.rejectedPending).toBe(1);
    const answered = await waiting;
    expect(Date.now() - started).toBeLessThan(5000); // woken, not timed out at 20 s
    expect(answered.json).toMatchObject({ id: pending.json.id, decision: "deny", status: "rejected" });
    expect((await listAuditEvents({ subject: `action:${pending.json.id}`, limit: 5 })).events.map((e) => e.kind)).toEqual(["action.rejected", "action.decided"]);
  });

  it("allows nothing it covers once the halt call has returned, even under concurrent load", async () => {
    const s = await scenario();
    let haltedAt = 0;
    const violations: string[] = [];
    const load = Array.from({ length: 8 }, async () => {
      for (let i = 0; i < 40; i++) {
        const sentAt = Date.now();
        const res = await s.api.ask({ action: "pricing.set_price", input: { i } });
        if (haltedAt && sentAt > haltedAt && res.json.decision === "allow") violations.push(res.json.id);
      }
    });
    await new Promise((r) => setTimeout(r, 50));
    await halt({ scope: { kind: "cohort", name: s.cohort }, reason: "load test", actor: "user:test" });
    haltedAt = Date.now();
    await Promise.all(load);
    expect(violations).toEqual([]);
    const { rows } = await pool().query(
      `SELECT count(*)::int AS n FROM actions WHERE agent_id = $1 AND status = 'ALLOWED' AND created_at > (SELECT halted_at FROM cohorts WHERE name = $2)`,
      [s.agent.id, s.cohort],
    );
    expect(rows[0].n).toBe(0);
  });

  it("answers 404 for an unknown cohort or agent", async () => {
    await expect(halt({ scope: { kind: "cohort", name: "no-such-cohort" }, reason: "x y z", actor: "user:test" })).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("results and post-checks", () => {
  it("takes one result for an allowed action and flags surprises", async () => {
    const s = await scenario();
    const flag = await policy({ stage: "post", effect: "flag", target: { cohorts: [s.cohort] }, condition: "result.output.appliedPrice != input.price", message: "applied price differs" });
    const a = await s.api.ask({ action: "pricing.set_price", input: { price: 120 } });
    const r = await s.api.result(a.json.id, { status: "succeeded", output: { appliedPrice: 125 } });
    expect(r.status).toBe(200);
    expect(r.json).toEqual({ id: a.json.id, flags: [expect.objectContaining({ policyId: flag.id, message: "applied price differs" })] });
    const again = await s.api.result(a.json.id, { status: "succeeded", output: {} });
    expect(again.status).toBe(409);
    expect(again.json.error.code).toBe("result_already_reported");
    const b = await s.api.ask({ action: "pricing.set_price", input: { price: 120 } });
    expect((await s.api.result(b.json.id, { status: "succeeded", output: { appliedPrice: 120 } })).json.flags).toEqual([]);
  });

  it("refuses results for denied actions and hides other agents' actions", async () => {
    const s = await scenario();
    await policy({ effect: "deny", target: { cohorts: [s.cohort] }, condition: "true" });
    const denied = await s.api.ask({ action: "x.y" });
    const res = await s.api.result(denied.json.id, { status: "succeeded" });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe("action_not_allowed");
    const other = await scenario();
    expect((await other.api.result(denied.json.id, { status: "succeeded" })).status).toBe(404);
    expect((await other.api.get(denied.json.id)).status).toBe(404);
  });
});

describe("bad input", () => {
  it.each([
    ["an invalid action name", { action: "Set Price!" }, 400],
    ["a missing action", { input: {} }, 400],
    ["wait out of range", { action: "x.y", wait: 61 }, 400],
    ["input of the wrong type", { action: "x.y", input: [1, 2] }, 400],
    ["an unknown field", { action: "x.y", extra: 1 }, 400],
    ["oversize input", { action: "x.y", input: { blob: "x".repeat(70 * 1024) } }, 400],
    ["a body over the cap", { action: "x.y", input: { blob: "x".repeat(200 * 1024) } }, 413],
    ["malformed JSON", "{nope", 400],
  ])("answers %s with a 4xx and records nothing", async (_l, body, status) => {
    const s = await scenario();
    const res = await s.api.ask(body);
    expect(res.status).toBe(status);
    expect(res.json.error).toMatchObject({ code: expect.any(String), message: expect.any(String) });
    const { rows } = await pool().query("SELECT count(*)::int AS n FROM actions WHERE agent_id = $1", [s.agent.id]);
    expect(rows[0].n).toBe(0);
  });

  it("answers a bad wait on GET and an unknown action id", async () => {
    const s = await scenario();
    const a = await s.api.ask({ action: "x.y" });
    expect((await s.api.raw("GET", `/v1/actions/${a.json.id}?wait=abc`)).status).toBe(400);
    expect((await s.api.get("act_doesnotexist")).status).toBe(404);
  });

  it("leaves a chain that verifies after all of the above", async () => {
    expect(await verifyAuditChain()).toMatchObject({ ok: true });
  });
});
