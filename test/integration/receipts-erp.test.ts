// The README's "Verify a receipt" example (examples/erp-check.ts and examples/erp/price-erp.ts):
// an ERP that applies a price change only with a valid receipt, against a real Warden (the data
// plane and the keys route, real PostgreSQL) and the real SDK.
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../lib/db/index.ts";
import { createPolicy, policySpecSchema } from "../../lib/policies/index.ts";
import { rotateSigningKey } from "../../lib/signing/index.ts";
import { fetchReceiptKeys, Warden, type Receipt } from "../../sdk/src/index.ts";
import { startPriceErp, type PriceChange } from "../../examples/erp/price-erp.ts";
import { unique } from "../support/fixtures.ts";
import { client, newAgent } from "../support/dataplane.ts";
import { startWarden } from "../support/warden-http.ts";

let w: Awaited<ReturnType<typeof startWarden>>;
beforeAll(async () => {
  w = await startWarden();
});
afterAll(() => w.close());

const change = (over: Partial<PriceChange> = {}): PriceChange => ({ sku: "LUX-0042", price: 440, currency: "EUR", currentPrice: 460, tags: ["core"], ...over });
const set = (c: PriceChange) => ({ action: "pricing.set_price", resource: `sku:${c.sku}`, input: c });
/** A pricing agent in a cohort of its own, where prices under 100 are denied. */
async function pricingAgent() {
  const cohort = unique("erp");
  const a = await newAgent({ cohort });
  await createPolicy({ spec: policySpecSchema.parse({ name: unique("floor"), effect: "deny", target: { cohorts: [cohort] }, condition: "input.price < 100.0", message: "floor" }), actor: "system", userId: null });
  return { ...a, api: client(w.base, a.apiKey), warden: new Warden({ url: w.base, apiKey: a.apiKey }) };
}
async function post(url: string, body: unknown) {
  const res = await fetch(`${url}/prices`, { method: "POST", headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) });
  return { status: res.status, json: (await res.json()) as any };
}

describe("examples/erp-check.ts, run as the README says", () => {
  const script = path.resolve(import.meta.dirname, "../../examples/erp-check.ts");
  const run = (env: Record<string, string>) =>
    promisify(execFile)(process.execPath, ["--import", "tsx", script], { env: { ...process.env, ...env }, timeout: 60_000 }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, stdout: e.stdout, stderr: e.stderr }),
    );

  it("applies the allowed change with its receipt and refuses the four others (exit 0); the action is recorded as succeeded", async () => {
    const a = await pricingAgent();
    const out = await run({ WARDEN_URL: w.base, WARDEN_AGENT_KEY: a.apiKey });
    expect(out.stderr).toBe("");
    expect(out.code).toBe(0);
    const lines = out.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^Warden: allow \(allowed\) for act_\S+, receipt signed by key \S{43}$/);
    expect(lines.slice(1, 6)).toEqual([
      expect.stringMatching(/^1\. the change with its receipt\s+→ 200 \{"applied":true,"sku":"LUX-0042","price":440\}$/),
      expect.stringMatching(/^2\. .* → 403 .*no receipt/),
      expect.stringMatching(/^3\. .* → 403 .*another change than this one/),
      expect.stringMatching(/^4\. .* → 403 .*already used/),
      expect.stringMatching(/^5\. .* → 403 .*invalid receipt \(bad_signature\)/),
    ]);
    expect(lines[6]).toBe("The ERP applied LUX-0042 = 440 and refused the rest.");
    const { rows } = await pool().query<{ status: string; result_status: string }>("SELECT status, result_status FROM actions WHERE agent_id = $1", [a.agent.id]);
    expect(rows).toEqual([{ status: "ALLOWED", result_status: "SUCCEEDED" }]);
  }, 90_000);

  it("exits 1 when Warden doesn't allow the change, 2 when Warden can't be reached", async () => {
    const a = await pricingAgent();
    await createPolicy({ spec: policySpecSchema.parse({ name: unique("no-pricing"), effect: "deny", target: { agents: [a.agent.id] }, condition: "true", message: "pricing is frozen" }), actor: "system", userId: null });
    const denied = await run({ WARDEN_URL: w.base, WARDEN_AGENT_KEY: a.apiKey });
    expect(denied).toMatchObject({ code: 1, stderr: expect.stringContaining("Warden did not allow the change: pricing is frozen") });
    expect(denied.stdout).not.toMatch(/→ 200/);
    const unreachable = await run({ WARDEN_URL: "http://127.0.0.1:9", WARDEN_AGENT_KEY: a.apiKey });
    expect(unreachable).toMatchObject({ code: 2, stderr: expect.stringContaining("receipt keys can't be fetched") });
  }, 90_000);
});

describe("the ERP (examples/erp/price-erp.ts)", () => {
  it("refuses a denied decision's receipt, a stale one, bad bodies; one receipt applies one change even under concurrent use", async () => {
    const a = await pricingAgent();
    const keys = await fetchReceiptKeys(w.base);
    let clock = Date.now();
    const erp = await startPriceErp({ keys, now: () => clock });
    try {
      const cheap = change({ price: 50 });
      const denied = (await a.api.ask(set(cheap))).json;
      expect(denied).toMatchObject({ decision: "deny", receipt: { payload: { status: "denied" } } });
      expect(await post(erp.url, { change: cheap, receipt: denied.receipt })).toMatchObject({ status: 403, json: { error: { code: "receipt_refused", message: "Warden's decision was deny (denied)" } } });

      const ok = (await a.api.ask(set(change()))).json;
      expect(ok.decision).toBe("allow");
      // The same receipt twice at once: exactly one applies.
      const both = await Promise.all([post(erp.url, { change: change(), receipt: ok.receipt }), post(erp.url, { change: change(), receipt: ok.receipt })]);
      expect(both.map((r) => r.status).sort()).toEqual([200, 403]);
      expect(erp.prices.get("LUX-0042")).toBe(440);

      // Another resource than the input's SKU, under its own valid receipt.
      const elsewhere = (await a.api.ask({ ...set(change({ sku: "LUX-0007" })), resource: "sku:LUX-0042" })).json;
      expect(await post(erp.url, { change: change({ sku: "LUX-0007" }), receipt: elsewhere.receipt })).toMatchObject({ status: 403, json: { error: { message: expect.stringContaining("on sku:LUX-0042, not pricing.set_price on sku:LUX-0007") } } });

      const later = (await a.api.ask(set(change({ price: 445 })))).json;
      clock = Date.parse(later.receipt.payload.time) + 5 * 60_000 + 1;
      expect(await post(erp.url, { change: change({ price: 445 }), receipt: later.receipt })).toMatchObject({ status: 403, json: { error: { message: expect.stringMatching(/older than 300 s/) } } });
      clock = Date.parse(later.receipt.payload.time) + 5 * 60_000;
      expect(await post(erp.url, { change: change({ price: 445 }), receipt: later.receipt })).toMatchObject({ status: 200 });

      expect(await post(erp.url, "{not json")).toMatchObject({ status: 400, json: { error: { code: "invalid_request" } } });
      expect(await post(erp.url, { change: { sku: "LUX-0042", price: "free" }, receipt: ok.receipt })).toMatchObject({ status: 400 });
      expect(await post(erp.url, { change: change({ price: 1 }), receipt: { kid: "x", alg: "Ed25519" } })).toMatchObject({ status: 403, json: { error: { message: expect.stringContaining("invalid receipt (malformed)") } } });
      expect(erp.prices.get("LUX-0042")).toBe(445);
    } finally {
      await erp.close();
    }
  });

  it("after Warden rotates its key, refuses the new receipts with the keys it had, and accepts them once it fetches the keys again", async () => {
    const a = await pricingAgent();
    const keys = await fetchReceiptKeys(w.base);
    let refetches = 0;
    const pinned = await startPriceErp({ keys });
    const refreshing = await startPriceErp({ keys, refreshKeys: () => (refetches++, fetchReceiptKeys(w.base)) });
    try {
      const before = (await a.api.ask(set(change({ price: 441 })))).json.receipt as Receipt;
      const { previous, current } = rotateSigningKey("receipts");
      expect(previous).toBe(before.kid);
      const after = (await a.api.ask(set(change({ price: 442 })))).json.receipt as Receipt;
      expect(after.kid).toBe(current);

      expect(await post(pinned.url, { change: change({ price: 442 }), receipt: after })).toMatchObject({ status: 403, json: { error: { message: expect.stringContaining("invalid receipt (unknown_key)") } } });
      expect(await post(refreshing.url, { change: change({ price: 442 }), receipt: after })).toMatchObject({ status: 200 });
      // The retired key stays published: what it signed before the rotation still applies.
      expect(await post(refreshing.url, { change: change({ price: 441 }), receipt: before })).toMatchObject({ status: 200 });
      // A key id Warden never published: fetched again once, then refused without asking again.
      const foreign = { ...after, kid: "k".repeat(43) };
      expect(await post(refreshing.url, { change: change({ price: 443 }), receipt: foreign })).toMatchObject({ status: 403, json: { error: { message: expect.stringContaining("unknown_key") } } });
      expect(await post(refreshing.url, { change: change({ price: 443 }), receipt: foreign })).toMatchObject({ status: 403 });
      expect(refetches).toBe(2);
    } finally {
      await pinned.close();
      await refreshing.close();
    }
  });
});
