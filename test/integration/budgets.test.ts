import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as approveRoute from "../../app/api/approvals/[actionId]/route.ts";
import * as budgetRoute from "../../app/api/budgets/[id]/route.ts";
import * as budgetsRoute from "../../app/api/budgets/route.ts";
import { expireDueActions } from "../../lib/actions/index.ts";
import { listAuditEvents } from "../../lib/audit/index.ts";
import { pruneReservations } from "../../lib/budgets/index.ts";
import { pool } from "../../lib/db/index.ts";
import { createPolicy, policySpecSchema } from "../../lib/policies/index.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { call, unique, userWithToken } from "../support/fixtures.ts";

let dp: Awaited<ReturnType<typeof startDataPlane>>;
let operator: Awaited<ReturnType<typeof userWithToken>>;
let approver: Awaited<ReturnType<typeof userWithToken>>;
beforeAll(async () => {
  dp = await startDataPlane();
  operator = await userWithToken("operator");
  approver = await userWithToken("approver");
  await pool().query(`INSERT INTO webhooks (id, url, events, secret, updated_at) VALUES ('wh_budgets', 'https://hooks.example.com/b', ARRAY['budget.exceeded'], 'whsec_test', now())`);
});
afterAll(() => dp.close());

type Spec = Record<string, unknown>;
async function budget(spec: Spec) {
  const res = await call(budgetsRoute.POST, { token: operator.token, body: { name: unique("budget"), actions: ["orders.refund"], amount: "input.amount", limit: 100, unit: "EUR", window: { seconds: 3600 }, onExceed: "deny", ...spec } });
  expect(res.status, JSON.stringify(res.json)).toBe(201);
  return res.json as { id: string; name: string };
}
const usage = async (id: string) => (await call(budgetRoute.GET, { token: operator.token, params: { id } })).json.usage as { used: number; reserved: number; remaining: number; windowStart: string; windowEnd: string };
const refund = (api: ReturnType<typeof client>, amount: unknown, extra: Spec = {}) => api.ask({ action: "orders.refund", resource: `order:${unique("o")}`, input: { amount }, ...extra });

describe("budgets: bad input", () => {
  it("answers a clear 400 and creates nothing", async () => {
    const cohort = unique("cs");
    await newAgent({ cohort });
    const base = { name: unique("bad"), scope: { cohort }, actions: ["orders.refund"], amount: "input.amount", limit: 100, unit: "EUR", window: { seconds: 3600 }, onExceed: "deny" };
    const cases: [Spec, string, RegExp][] = [
      [{ amount: "input.amount *" }, "invalid_amount", /line 1, column/],
      [{ amount: "'ten euros'" }, "invalid_amount", /must be a number/],
      [{ window: { seconds: 0 } }, "validation_failed", /window/],
      [{ window: { seconds: -5 } }, "validation_failed", /window/],
      [{ window: { calendar: "day", timeZone: "Mars/Olympus_Mons" } }, "validation_failed", /time zone/],
      [{ window: { calendar: "fortnight", timeZone: "Europe/Paris" } }, "validation_failed", /window/],
      [{ distinct: "resource" }, "validation_failed", /either amount/],
      [{ amount: undefined }, "validation_failed", /either amount/],
      [{ limit: 0 }, "validation_failed", /limit/],
      [{ onExceed: "shrug" }, "validation_failed", /onExceed/],
      [{ scope: { cohort: "no-such-cohort" } }, "invalid_scope", /no cohort/],
      [{ scope: { agent: "agt_doesnotexist" } }, "invalid_scope", /no agent/],
      [{ actions: [] }, "validation_failed", /actions/],
    ];
    for (const [over, code, message] of cases) {
      const res = await call(budgetsRoute.POST, { token: operator.token, body: { ...base, ...over } });
      expect(res.status, JSON.stringify(over)).toBe(400);
      expect(res.json.error.code, JSON.stringify(over)).toBe(code);
      expect(res.json.error.message, JSON.stringify(over)).toMatch(message);
    }
    const compiled = await call(budgetsRoute.POST, { token: operator.token, body: { ...base, amount: "input.amount *" } });
    expect(compiled.json.error.details).toMatchObject({ line: 1, column: expect.any(Number) });
    expect((await pool().query(`SELECT count(*)::int AS n FROM budgets WHERE name = $1`, [base.name])).rows[0].n).toBe(0);
    const viewer = await userWithToken("viewer");
    expect((await call(budgetsRoute.POST, { token: viewer.token, body: base })).status).toBe(403);
  });
});

describe("budgets", () => {
  it("allows the action that fits exactly, denies the next with budget_exceeded, and says how much was used", async () => {
    const cohort = unique("cs");
    const a = await newAgent({ cohort });
    const api = client(dp.base, a.apiKey);
    const b = await budget({ scope: { cohort } });
    for (const amount of [40, 40]) expect((await refund(api, amount)).json.decision).toBe("allow");
    const over = await refund(api, 30);
    expect(over.json).toMatchObject({ decision: "deny", reasons: [{ code: "budget_exceeded", effect: "deny", budget: { id: b.id, used: 80, limit: 100, amount: 30, unit: "EUR" } }] });
    expect(over.json.reasons[0].message).toContain(`Budget ${b.name}: 80 of 100 EUR used`);
    expect((await refund(api, 20)).json.decision).toBe("allow"); // exactly the limit
    expect((await refund(api, 0.01)).json.decision).toBe("deny");
    expect(await usage(b.id)).toMatchObject({ used: 100, reserved: 0, remaining: 0 });
    // Other actions and other cohorts don't count.
    expect((await api.ask({ action: "orders.reship", input: { amount: 1000 } })).json.decision).toBe("allow");
    const other = await newAgent();
    expect((await refund(client(dp.base, other.apiKey), 1000)).json.decision).toBe("allow");
    // Said once per window: one budget.exceeded audit event and webhook.
    const events = (await listAuditEvents({ kind: "budget.exceeded", q: `budget:${b.id}`, limit: 10 })).events;
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ name: b.name, used: 80, amount: 30, limit: 100, actionId: over.json.id });
    const hooks = await pool().query(`SELECT payload FROM webhook_deliveries WHERE event = 'budget.exceeded' AND payload->'data'->>'budgetId' = $1`, [b.id]);
    expect(hooks.rows).toHaveLength(1);
  });

  it("counts amounts exactly (no floating-point drift)", async () => {
    const a = await newAgent();
    const api = client(dp.base, a.apiKey);
    const b = await budget({ scope: { agent: a.agent.id }, limit: 0.3 });
    expect((await refund(api, 0.1)).json.decision).toBe("allow");
    expect((await refund(api, 0.2)).json.decision).toBe("allow"); // 0.1 + 0.2 is 0.3 here
    expect((await refund(api, 0.000001)).json.decision).toBe("deny");
    expect((await usage(b.id)).used).toBe(0.3);
  });

  it("denies, fail closed, an action whose amount errors or is negative, and says so", async () => {
    const a = await newAgent();
    const api = client(dp.base, a.apiKey);
    const b = await budget({ scope: { agent: a.agent.id } });
    const missing = await api.ask({ action: "orders.refund", input: { note: "no amount" } });
    expect(missing.json).toMatchObject({ decision: "deny", reasons: [{ code: "budget_error", budget: { id: b.id } }] });
    expect(missing.json.reasons[0].message).toMatch(/amount could not be computed .*fail closed/);
    const negative = await refund(api, -50);
    expect(negative.json.reasons[0]).toMatchObject({ code: "budget_error" });
    expect(negative.json.reasons[0].message).toContain("negative");
    expect((await refund(api, "ten")).json.reasons[0].code).toBe("budget_error");
    expect((await usage(b.id)).used).toBe(0);
  });

  it("escalates an action over a require_approval budget; approval consumes it, rejection releases it", async () => {
    const a = await newAgent();
    const api = client(dp.base, a.apiKey);
    const b = await budget({ scope: { agent: a.agent.id }, onExceed: "require_approval" });
    expect((await refund(api, 70)).json.decision).toBe("allow");
    const first = await refund(api, 50);
    expect(first.json).toMatchObject({ status: "pending", reasons: [{ code: "budget_exceeded", effect: "require_approval" }] });
    expect(first.json.reasons[0].message).toContain("a person must approve it");
    expect(await usage(b.id)).toMatchObject({ used: 70, reserved: 50, remaining: 0 });
    const second = await refund(api, 10); // 70 + 50 reserved: over too
    expect(second.json.status).toBe("pending");
    const vote = (id: string, decision: string) => call(approveRoute.POST, { token: approver.token, params: { actionId: id }, body: { decision } });
    expect((await vote(first.json.id, "approve")).json.status).toBe("approved");
    expect(await usage(b.id)).toMatchObject({ used: 120, reserved: 10 });
    expect((await vote(second.json.id, "reject")).json.status).toBe("rejected");
    expect(await usage(b.id)).toMatchObject({ used: 120, reserved: 0, remaining: 0 });
  });

  it("releases what a pending action reserved when it is rejected or expires, and what a failed action used", async () => {
    const cohort = unique("cs");
    const a = await newAgent({ cohort });
    const api = client(dp.base, a.apiKey);
    await createPolicy({ spec: policySpecSchema.parse({ name: unique("big"), effect: "require_approval", target: { cohorts: [cohort] }, condition: "input.amount > 50.0", approval: { quorum: 1, timeoutSeconds: 60 } }), actor: "system", userId: null });
    const b = await budget({ scope: { cohort } });
    const pending = await refund(api, 60);
    expect(pending.json.status).toBe("pending");
    expect(await usage(b.id)).toMatchObject({ used: 0, reserved: 60, remaining: 40 });
    // While it is reserved, 50 doesn't fit.
    expect((await refund(api, 45)).json.decision).toBe("deny");
    await call(approveRoute.POST, { token: approver.token, params: { actionId: pending.json.id }, body: { decision: "reject" } });
    expect(await usage(b.id)).toMatchObject({ used: 0, reserved: 0, remaining: 100 });

    const expiring = await refund(api, 55);
    expect(await usage(b.id)).toMatchObject({ reserved: 55 });
    await pool().query(`UPDATE actions SET expires_at = now() - interval '1 second' WHERE id = $1`, [expiring.json.id]);
    await expireDueActions([expiring.json.id]);
    expect(await usage(b.id)).toMatchObject({ used: 0, reserved: 0, remaining: 100 });

    const done = await refund(api, 30);
    expect(done.json.decision).toBe("allow");
    expect(await usage(b.id)).toMatchObject({ used: 30 });
    expect((await api.result(done.json.id, { status: "failed", error: "payment provider declined" })).status).toBe(200);
    expect(await usage(b.id)).toMatchObject({ used: 0, remaining: 100 });
    const ok = await refund(api, 30);
    await api.result(ok.json.id, { status: "succeeded" });
    expect(await usage(b.id)).toMatchObject({ used: 30 }); // a success keeps it
  });

  it("counts distinct resources for a blast-radius budget", async () => {
    const a = await newAgent();
    const api = client(dp.base, a.apiKey);
    const b = await budget({ scope: { agent: a.agent.id }, actions: ["pricing.set_price"], amount: undefined, distinct: "resource", limit: 2, unit: "SKUs" });
    const price = (sku: string) => api.ask({ action: "pricing.set_price", resource: `sku:${sku}`, input: { price: 10 } });
    expect((await price("A")).json.decision).toBe("allow");
    expect((await price("A")).json.decision).toBe("allow"); // the same SKU again costs nothing
    expect((await price("B")).json.decision).toBe("allow");
    const c = await price("C");
    expect(c.json).toMatchObject({ decision: "deny", reasons: [{ code: "budget_exceeded" }] });
    expect(c.json.reasons[0].message).toContain("2 of 2 distinct resources");
    expect((await price("B")).json.decision).toBe("allow");
    expect(await usage(b.id)).toMatchObject({ used: 2, remaining: 0 });
  });

  it("lets policies read a budget's usage", async () => {
    const cohort = unique("cs");
    const a = await newAgent({ cohort });
    const api = client(dp.base, a.apiKey);
    const b = await budget({ scope: { cohort }, limit: 1000 });
    await createPolicy({
      spec: policySpecSchema.parse({ name: unique("last-euros"), effect: "require_approval", target: { cohorts: [cohort] }, condition: `budgets["${b.name}"].remaining < 300.0`, message: "Little left in the refund budget" }),
      actor: "system",
      userId: null,
    });
    expect((await refund(api, 600)).json.decision).toBe("allow");
    expect((await refund(api, 150)).json.decision).toBe("allow"); // 400 remained when it asked
    const low = await refund(api, 10); // 250 remain: the policy asks for a human
    expect(low.json).toMatchObject({ status: "pending", reasons: [{ code: "policy", message: "Little left in the refund budget" }] });
  });
});

describe("calendar windows", () => {
  it("computes a day in the budget's time zone, 23 or 25 hours long across a DST change", async () => {
    const q = async (t: string, tz = "Europe/Paris", cal = "day") =>
      (await pool().query<{ s: Date; e: Date }>(`SELECT budget_window_start(NULL, $2, $3, $1::timestamptz) AS s, budget_window_end(NULL, $2, $3, $1::timestamptz) AS e`, [t, cal, tz])).rows[0]!;
    expect(await q("2026-03-29T12:00:00Z")).toEqual({ s: new Date("2026-03-28T23:00:00Z"), e: new Date("2026-03-29T22:00:00Z") }); // spring forward: 23 h
    expect(await q("2026-10-25T12:00:00Z")).toEqual({ s: new Date("2026-10-24T22:00:00Z"), e: new Date("2026-10-25T23:00:00Z") }); // fall back: 25 h
    expect(await q("2026-06-30T22:30:00Z")).toEqual({ s: new Date("2026-06-30T22:00:00Z"), e: new Date("2026-07-01T22:00:00Z") }); // already July 1st in Paris
    expect(await q("2026-06-30T22:30:00Z", "America/New_York")).toEqual({ s: new Date("2026-06-30T04:00:00Z"), e: new Date("2026-07-01T04:00:00Z") });
    expect(await q("2026-07-01T10:00:00Z", "Europe/Paris", "week")).toEqual({ s: new Date("2026-06-28T22:00:00Z"), e: new Date("2026-07-05T22:00:00Z") }); // ISO week from Monday
    expect(await q("2026-07-15T10:00:00Z", "Europe/Paris", "month")).toEqual({ s: new Date("2026-06-30T22:00:00Z"), e: new Date("2026-07-31T22:00:00Z") });
  });

  it("counts only today's (Paris) refunds: one at 23:59:59 yesterday is gone, one a second after midnight counts", async () => {
    const a = await newAgent();
    const api = client(dp.base, a.apiKey);
    const b = await budget({ scope: { agent: a.agent.id }, window: { calendar: "day", timeZone: "Europe/Paris" } });
    const { rows } = await pool().query<{ s: Date }>(`SELECT budget_window_start(NULL, 'day', 'Europe/Paris', clock_timestamp()) AS s`);
    const midnight = rows[0]!.s;
    // Yesterday's last second and today's first: as the decisions would have left them.
    await pool().query(
      `INSERT INTO budget_reservations (budget_id, action_id, amount, resource, at, state) VALUES ($1, 'act_yesterday', 70, NULL, $2, 'USED'), ($1, 'act_today', 20, NULL, $3, 'USED')`,
      [b.id, new Date(midnight.getTime() - 1000), new Date(midnight.getTime() + 1000)],
    );
    await pool().query(`UPDATE budget_states SET total = 90, watermark = $2 WHERE budget_id = $1`, [b.id, new Date(midnight.getTime() - 86_400_000)]);
    expect(await usage(b.id)).toMatchObject({ used: 20, remaining: 80, windowStart: midnight.toISOString() });
    expect(new Date((await usage(b.id)).windowEnd).getTime() - midnight.getTime()).toBeGreaterThanOrEqual(23 * 3_600_000);
    expect((await refund(api, 81)).json.decision).toBe("deny");
    expect((await refund(api, 80)).json.decision).toBe("allow");
    expect(await usage(b.id)).toMatchObject({ used: 100, remaining: 0 });
  });

  it("forgets what aged out of a rolling window", async () => {
    const a = await newAgent();
    const api = client(dp.base, a.apiKey);
    const b = await budget({ scope: { agent: a.agent.id }, window: { seconds: 60 } });
    const now = (await pool().query<{ t: Date }>(`SELECT clock_timestamp() AS t`)).rows[0]!.t;
    await pool().query(`INSERT INTO budget_reservations (budget_id, action_id, amount, resource, at, state) VALUES ($1, 'act_old', 60, NULL, $2, 'USED'), ($1, 'act_recent', 30, NULL, $3, 'USED')`, [
      b.id,
      new Date(now.getTime() - 61_000),
      new Date(now.getTime() - 30_000),
    ]);
    await pool().query(`UPDATE budget_states SET total = 90, watermark = $2 WHERE budget_id = $1`, [b.id, new Date(now.getTime() - 120_000)]);
    expect((await refund(api, 71)).json.decision).toBe("deny"); // 30 still in the window
    expect((await refund(api, 70)).json.decision).toBe("allow");
  });

  it("prunes reservations no window counts any more, but keeps pending ones", async () => {
    const a = await newAgent();
    const b = await budget({ scope: { agent: a.agent.id }, window: { seconds: 60 } });
    const wm = (await pool().query<{ watermark: Date }>(`SELECT watermark FROM budget_states WHERE budget_id = $1`, [b.id])).rows[0]!.watermark;
    const old = new Date(wm.getTime() - 2 * 86_400_000);
    await pool().query(
      `INSERT INTO budget_reservations (budget_id, action_id, amount, resource, at, state) VALUES ($1, 'act_old_used', 5, NULL, $2, 'USED'), ($1, 'act_old_pending', 5, NULL, $2, 'RESERVED'), ($1, 'act_recent', 5, NULL, $3, 'USED')`,
      [b.id, old, wm],
    );
    const run = async (sql: string, params: unknown[]) => (await pool().query(sql, params)).rows;
    expect(await pruneReservations(run as never)).toBeGreaterThanOrEqual(1);
    const left = (await pool().query<{ action_id: string }>(`SELECT action_id FROM budget_reservations WHERE budget_id = $1 ORDER BY action_id`, [b.id])).rows.map((r) => r.action_id);
    expect(left).toEqual(["act_old_pending", "act_recent"]);
  });
});
