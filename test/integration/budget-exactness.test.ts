import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { budgetUnderConcurrency } from "../support/budget-exactness.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { unique } from "../support/fixtures.ts";
import { spawnInstance } from "../support/spawn-instance.ts";

let local: Awaited<ReturnType<typeof startDataPlane>>;
let remote: Awaited<ReturnType<typeof spawnInstance>>;
beforeAll(async () => {
  local = await startDataPlane();
  remote = await spawnInstance();
}, 60_000);
afterAll(async () => {
  await local.close();
  await remote.stop();
});

describe("a budget under concurrency, across two instances", () => {
  it("never lets the allowed sum exceed the limit, and denies only requests that didn't fit at their turn", async () => {
    const cohort = unique("cs");
    const agents = [await newAgent({ cohort }), await newAgent({ cohort })];
    const apis = agents.flatMap((a) => [client(local.base, a.apiKey), client(remote.base, a.apiKey)]);
    // Warm both instances (identity, policies, budgets) with a refund of 0.
    for (const api of apis) expect((await api.ask({ action: "orders.refund", input: { amount: 0 } })).json.decision).toBe("allow");
    // 400 concurrent requests, random amounts (0.01 – 100.00), worth about twice the limit of 10,000.
    const r = await budgetUnderConcurrency({
      cohort,
      limit: 10_000,
      requests: 400,
      maxAmount: 100,
      ask: (amount, i) => apis[i % apis.length]!.ask({ action: "orders.refund", resource: `order:${i}`, input: { amount } }),
    });
    console.log(`budget exactness: ${r.allowed.length} allowed summing ${(r.allowedCents / 100).toFixed(2)} of 10000; ${r.denied.length} denied, 0 of which would have fit at their turn (final remaining ${(r.remainingCents / 100).toFixed(2)})`);
  });
});
