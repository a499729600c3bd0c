import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { halt } from "../../lib/killswitch/index.ts";
import { createPolicy, policySpecSchema } from "../../lib/policies/index.ts";
import { pool } from "../../lib/db/index.ts";
import { ActionDenied, ApprovalTimeout, Warden, WardenUnavailable } from "../../sdk/src/index.ts";
import { unique } from "../support/fixtures.ts";
import { newAgent, startDataPlane } from "../support/dataplane.ts";

let dp: Awaited<ReturnType<typeof startDataPlane>>;
beforeAll(async () => {
  dp = await startDataPlane();
});
afterAll(() => dp.close());

async function setup(policies: Record<string, unknown>[] = []) {
  const cohort = unique("sdk");
  const a = await newAgent({ cohort });
  for (const p of policies) await createPolicy({ spec: policySpecSchema.parse({ name: unique("p"), target: { cohorts: [cohort] }, ...p }), actor: "system", userId: null });
  return { cohort, ...a, warden: new Warden({ url: dp.base, apiKey: a.apiKey, timeoutMs: 2000, waitSeconds: 2 }) };
}

async function resultOf(id: string) {
  return (await pool().query("SELECT result_status, result_output, result_error FROM actions WHERE id = $1", [id])).rows[0];
}

describe("the SDK's guard against a real Warden", () => {
  it("runs the action when allowed and reports its output, returning post-check flags", async () => {
    const s = await setup([{ stage: "post", effect: "flag", condition: "result.output.appliedPrice != input.price", message: "applied price differs" }]);
    const out = await s.warden.guard({ action: "pricing.set_price", input: { price: 120 } }, async () => ({ appliedPrice: 125 }));
    expect(out.value).toEqual({ appliedPrice: 125 });
    expect(out.action.decision).toBe("allow");
    expect(out.flags).toEqual([expect.objectContaining({ message: "applied price differs" })]);
    expect(await resultOf(out.action.id)).toMatchObject({ result_status: "SUCCEEDED", result_output: { appliedPrice: 125 } });
  });

  it("never runs a denied action and throws ActionDenied with the reasons", async () => {
    const s = await setup([{ effect: "deny", condition: "input.price < 100.0", message: "floor" }]);
    let ran = false;
    const err = await s.warden.guard({ action: "pricing.set_price", input: { price: 50 } }, () => (ran = true)).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ActionDenied);
    expect((err as ActionDenied).reasons[0]!.message).toBe("floor");
    expect(ran).toBe(false);
  });

  it("waits while pending, and does not run the action a halt rejected", async () => {
    const s = await setup([{ effect: "require_approval", condition: "true" }]);
    let ran = false;
    const guarded = s.warden.guard({ action: "orders.refund", input: { amount: 900 } }, () => (ran = true)).catch((e: unknown) => e);
    await new Promise((r) => setTimeout(r, 500));
    await halt({ scope: { kind: "cohort", name: s.cohort }, reason: "stop", actor: "user:test" });
    const err = await guarded;
    expect(err).toBeInstanceOf(ActionDenied);
    expect((err as ActionDenied).status).toBe("rejected");
    expect(ran).toBe(false);
  });

  it("gives up waiting after maxWaitMs without running the action", async () => {
    const s = await setup([{ effect: "require_approval", condition: "true" }]);
    const w = new Warden({ url: dp.base, apiKey: s.apiKey, waitSeconds: 1, maxWaitMs: 1500 });
    let ran = false;
    await expect(w.guard({ action: "orders.refund" }, () => (ran = true))).rejects.toBeInstanceOf(ApprovalTimeout);
    expect(ran).toBe(false);
  });

  it("reports a failed action and rethrows its error", async () => {
    const s = await setup();
    let id = "";
    const err = await s.warden
      .guard({ action: "orders.reship", input: { orderId: "1" } }, () => {
        throw new Error("carrier API down");
      })
      .catch((e: unknown) => e);
    expect((err as Error).message).toBe("carrier API down");
    id = (await pool().query("SELECT id FROM actions WHERE agent_id = $1", [s.agent.id])).rows[0].id;
    expect(await resultOf(id)).toMatchObject({ result_status: "FAILED", result_error: "carrier API down" });
  });

  it("records a retried request once (it sends an idempotency key)", async () => {
    const s = await setup();
    const a = await s.warden.ask({ action: "x.y", idempotencyKey: "same-key" });
    const b = await s.warden.ask({ action: "x.y", idempotencyKey: "same-key" });
    expect(b.id).toBe(a.id);
  });
});

describe("the SDK fails closed", () => {
  it("when Warden is unreachable", async () => {
    const w = new Warden({ url: "http://127.0.0.1:9", apiKey: "wdn_x", timeoutMs: 500 });
    let ran = false;
    await expect(w.guard({ action: "x.y" }, () => (ran = true))).rejects.toBeInstanceOf(WardenUnavailable);
    expect(ran).toBe(false);
  });

  it("when Warden does not answer in time, or answers nonsense", async () => {
    const hanging = http.createServer(() => undefined);
    const nonsense = http.createServer((_req, res) => res.end("<html>proxy error</html>"));
    await Promise.all([hanging, nonsense].map((s) => new Promise<void>((r) => s.listen(0, "127.0.0.1", r))));
    try {
      let ran = false;
      for (const s of [hanging, nonsense]) {
        const w = new Warden({ url: `http://127.0.0.1:${(s.address() as AddressInfo).port}`, apiKey: "wdn_x", timeoutMs: 300, waitSeconds: 0 });
        await expect(w.guard({ action: "x.y" }, () => (ran = true))).rejects.toBeInstanceOf(WardenUnavailable);
      }
      expect(ran).toBe(false);
    } finally {
      hanging.closeAllConnections();
      await Promise.all([hanging, nonsense].map((s) => new Promise((r) => s.close(r))));
    }
  });

  it("retries a 5xx with the same idempotency key", async () => {
    const keys: string[] = [];
    let calls = 0;
    const flaky = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        calls++;
        keys.push((JSON.parse(body) as { idempotencyKey: string }).idempotencyKey);
        if (calls === 1) {
          res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ error: { code: "unavailable", message: "busy" } }));
        } else {
          res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ id: "act_1", decision: "deny", status: "denied", reasons: [{ code: "default", message: "no" }], shadow: [] }));
        }
      });
    });
    await new Promise<void>((r) => flaky.listen(0, "127.0.0.1", r));
    try {
      const w = new Warden({ url: `http://127.0.0.1:${(flaky.address() as AddressInfo).port}`, apiKey: "wdn_x", waitSeconds: 0 });
      const a = await w.ask({ action: "x.y" });
      expect(a.decision).toBe("deny");
      expect(keys).toHaveLength(2);
      expect(keys[0]).toBe(keys[1]);
    } finally {
      await new Promise((r) => flaky.close(r));
    }
  });
});
