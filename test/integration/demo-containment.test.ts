import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listAgents, rotateAgentKey } from "../../lib/agents/index.ts";
import { evaluateBreakers, listBreakers } from "../../lib/breakers/index.ts";
import { listBudgets } from "../../lib/budgets/index.ts";
import { seedDemo } from "../../lib/seed/index.ts";
import { client, startDataPlane } from "../support/dataplane.ts";

let dp: Awaited<ReturnType<typeof startDataPlane>>;
beforeAll(async () => {
  dp = await startDataPlane();
  await seedDemo("correct horse battery staple");
}, 60_000);
afterAll(() => dp.close());

describe("the demo estate's containment", () => {
  it("gives every demo agent grants, and budgets and breakers that make sense", async () => {
    const agents = await listAgents();
    expect(agents.length).toBe(12);
    for (const a of agents) expect(a.capabilities, a.name).not.toBeNull();
    expect((await listBudgets()).map((b) => b.name).sort()).toEqual(["pricing-sku-blast-radius", "refunds-per-day", "reorder-units-per-day"]);
    const breakers = await listBreakers();
    expect(breakers.map((b) => b.name).sort()).toEqual(["client-data-guard", "pricing-deny-spike", "refunds-failure-rate", "replenishment-paris-flood"]);
    expect(breakers.find((b) => b.name === "pricing-deny-spike")).toMatchObject({ state: "closed", metric: "deny_rate", threshold: 0.2, windowSeconds: 300, opens: "cohort", scope: { cohort: "pricing" } });
  });

  it("trips pricing-deny-spike on a burst of prices under the flagship floor, holding the whole pricing cohort", async () => {
    const agents = await listAgents({ cohort: "pricing" });
    const keys = await Promise.all(agents.map((a) => rotateAgentKey({ agentId: a.id, actor: "system", createdById: null })));
    const apis = keys.map((k) => client(dp.base, k.apiKey));
    // Out of grant, even before anything trips.
    expect((await apis[0]!.ask({ action: "orders.refund", resource: "order:1", input: { amount: 1 } })).json.reasons[0].code).toBe("not_granted");
    for (let i = 0; i < 25; i++) {
      const res = await apis[i % apis.length]!.ask({ action: "pricing.set_price", resource: `sku:LUX-${i}`, input: { sku: `LUX-${i}`, currentPrice: 900, price: 79, currency: "EUR", tags: ["flagship"], discountPct: 91 } });
      // Denied by the flagship floor (knowledge policies may deny it too: no approved floor for
      // these SKUs) — or, once the breaker has seen enough of them (it is evaluated right after
      // decisions on a watched scope), by the breaker itself.
      expect(res.json.decision).toBe("deny");
      expect(res.json.reasons.map((r: { policyName?: string; code: string }) => r.policyName ?? r.code)).toEqual(expect.arrayContaining([expect.stringMatching(/^(flagship-price-floor|circuit_open)$/)]));
    }
    await evaluateBreakers({ everything: true });
    const held = await apis[2]!.ask({ action: "pricing.set_price", resource: "sku:LUX-1", input: { sku: "LUX-1", currentPrice: 200, price: 190, currency: "EUR", tags: ["core"], discountPct: 5 } });
    expect(held.json).toMatchObject({ decision: "deny", reasons: [{ code: "circuit_open", breaker: { name: "pricing-deny-spike" } }] });
    expect(held.json.reasons[0].message).toMatch(/deny rate 100 % over the last 5 min \(\d+ samples\), above its threshold of 20 %/);
  });
});
