import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as budgetsRoute from "../../app/api/budgets/route.ts";
import { pool } from "../../lib/db/index.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { call, unique, userWithToken } from "../support/fixtures.ts";
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
    const operator = await userWithToken("operator");
    const LIMIT = 10_000;
    const created = await call(budgetsRoute.POST, {
      token: operator.token,
      body: { name: unique("exact"), scope: { cohort }, actions: ["orders.refund"], amount: "input.amount", limit: LIMIT, unit: "EUR", window: { seconds: 3600 }, onExceed: "deny" },
    });
    expect(created.status).toBe(201);
    const apis = agents.flatMap((a) => [client(local.base, a.apiKey), client(remote.base, a.apiKey)]);
    // Warm both instances (identity, policies, budgets) with a refund of 0.
    for (const api of apis) expect((await api.ask({ action: "orders.refund", input: { amount: 0 } })).json.decision).toBe("allow");

    // 400 concurrent requests, random amounts (0.01 – 100.00, cents), worth about twice the limit.
    const amounts = Array.from({ length: 400 }, () => Math.round(1 + Math.random() * 9999) / 100);
    const answers = await Promise.all(amounts.map((amount, i) => apis[i % apis.length]!.ask({ action: "orders.refund", resource: `order:${i}`, input: { amount } })));
    for (const a of answers) expect(a.status).toBe(200);

    const cents = (n: number) => Math.round(n * 100);
    const allowed = answers.map((a, i) => ({ a, amount: amounts[i]! })).filter((x) => x.a.json.decision === "allow");
    const denied = answers.map((a, i) => ({ a, amount: amounts[i]! })).filter((x) => x.a.json.decision === "deny");
    const allowedCents = allowed.reduce((s, x) => s + cents(x.amount), 0);
    expect(allowed.length).toBeGreaterThan(0);
    expect(denied.length).toBeGreaterThan(0);
    // 1. No overshoot.
    expect(allowedCents).toBeLessThanOrEqual(LIMIT * 100);
    // 2. No slack: each denied request didn't fit at its turn (what was used then + its amount > limit)…
    for (const d of denied) {
      const r = d.a.json.reasons[0];
      expect(r.code).toBe("budget_exceeded");
      expect(cents(r.budget.used) + cents(d.amount)).toBeGreaterThan(LIMIT * 100);
    }
    // …which the final state confirms independently: nothing was ever released, so what remained
    // at any denied request's turn was at least what remains now, and none would fit even now.
    const remainingCents = LIMIT * 100 - allowedCents;
    for (const d of denied) expect(cents(d.amount)).toBeGreaterThan(remainingCents);
    // 3. The running total is exactly the allowed sum, as the reservations record it.
    const db = await pool().query<{ total: string; reserved: string }>(
      `SELECT s.total::text, (SELECT sum(amount) FROM budget_reservations r WHERE r.budget_id = s.budget_id AND r.state <> 'RELEASED')::text AS reserved FROM budget_states s WHERE s.budget_id = $1`,
      [created.json.id],
    );
    expect(cents(Number(db.rows[0]!.total))).toBe(allowedCents);
    expect(cents(Number(db.rows[0]!.reserved))).toBe(allowedCents);
    console.log(`budget exactness: ${allowed.length} allowed summing ${(allowedCents / 100).toFixed(2)} of ${LIMIT}; ${denied.length} denied, 0 of which would have fit at their turn (final remaining ${(remainingCents / 100).toFixed(2)})`);
  });
});
