import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as budgetRoute from "../../app/api/budgets/[id]/route.ts";
import * as budgetsRoute from "../../app/api/budgets/route.ts";
import { toMicros } from "../../lib/budgets/index.ts";
import { pool } from "../../lib/db/index.ts";
import { decisionBatcher } from "../../lib/decisions/batcher.ts";
import { createPolicy, policySpecSchema } from "../../lib/policies/index.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { auditOf, row, team, vote } from "../support/escalation.ts";
import { call, unique, userWithToken } from "../support/fixtures.ts";

let dp: Awaited<ReturnType<typeof startDataPlane>>;
let admin: Awaited<ReturnType<typeof userWithToken>>;
beforeAll(async () => {
  dp = await startDataPlane();
  admin = await userWithToken("admin");
});
afterAll(() => dp.close());

type Spec = Record<string, unknown>;
async function budget(cohort: string, spec: Spec = {}) {
  const res = await call(budgetsRoute.POST, { token: admin.token, body: { name: unique("budget"), scope: { cohort }, actions: ["orders.refund"], amount: "input.amount", limit: 1000, unit: "EUR", window: { seconds: 3600 }, onExceed: "deny", ...spec } });
  expect(res.status, res.text).toBe(201);
  return res.json as { id: string; name: string };
}
const usage = async (id: string) => (await call(budgetRoute.GET, { token: admin.token, params: { id } })).json.usage as { used: number; reserved: number; remaining: number };
const reservations = async (actionId: string) =>
  (await pool().query<{ amount: string; state: string }>(`SELECT amount::text, state::text FROM budget_reservations WHERE action_id = $1 ORDER BY id`, [actionId])).rows;

/** Refunds over 50 wait for one approver of a team, who may change the amount (the reviewer's R2 setup). */
async function refundsHeldForApproval() {
  const cohort = unique("bw");
  const t = await team(1);
  await createPolicy({
    spec: policySpecSchema.parse({
      name: unique("p"),
      effect: "require_approval",
      target: { cohorts: [cohort] },
      condition: "input.amount > 50.0",
      message: "big refund",
      approval: { stages: [{ team: t.name, quorum: 1, timeoutSeconds: 600, onTimeout: "reject" }], editable: ["input.amount"] },
    }),
    actor: "system",
    userId: null,
  });
  const a = await newAgent({ cohort });
  const b = await budget(cohort);
  const api = client(dp.base, a.apiKey);
  const refund = (amount: number) => api.ask({ action: "orders.refund", resource: `order:${unique("o")}`, input: { amount } });
  return { cohort, approver: t.people[0]!, api, b, refund };
}

describe("approve with changes counts the approved amount in the budgets", () => {
  it("refuses a change that doesn't fit the budget (409 changes_exceed_budget) and changes nothing", async () => {
    const s = await refundsHeldForApproval();
    const asked = await s.refund(100);
    expect(asked.json.status).toBe("pending");
    const v = await vote(s.approver, asked.json.id, { decision: "approve", input: { amount: 900000 } });
    expect(v.status, v.text).toBe(409);
    expect(v.json.error.code).toBe("changes_exceed_budget");
    expect(v.json.error.details.budgets).toEqual([{ id: s.b.id, name: s.b.name, unit: "EUR", limit: 1000, used: 100, reserved: 100, needed: 900000, available: 1000 }]);
    // Nothing changed: still pending, no vote, the original input, 100 reserved.
    const stored = await row(asked.json.id);
    expect(stored.status).toBe("PENDING");
    expect(stored.approved_input).toBeNull();
    expect((await pool().query(`SELECT count(*)::int AS n FROM approvals WHERE action_id = $1`, [asked.json.id])).rows[0].n).toBe(0);
    expect(await reservations(asked.json.id)).toEqual([{ amount: "100.000000", state: "RESERVED" }]);
    expect(await usage(s.b.id)).toMatchObject({ used: 0, reserved: 100, remaining: 900 });
    // The approver can still approve a change that fits: all of what is left (900 more).
    const ok = await vote(s.approver, asked.json.id, { decision: "approve", input: { amount: 1000 } });
    expect(ok.status, ok.text).toBe(200);
    expect(ok.json).toMatchObject({ status: "approved", approvedInput: { amount: 1000 } });
    expect(await usage(s.b.id)).toMatchObject({ used: 1000, reserved: 0, remaining: 0 });
    // The budget is full: the next refund, however small, is denied.
    const next = await s.refund(40);
    expect(next.json.status).toBe("denied");
    expect(next.json.reasons[0].code).toBe("budget_exceeded");
    const [granted] = await auditOf(asked.json.id, "approval.granted");
    expect(granted!.data.modifiedInput.budgets).toEqual([{ budgetId: s.b.id, name: s.b.name, unit: "EUR", from: 100, to: 1000 }]);
  });

  it("a smaller approved amount gives the difference back, and the approval consumes the approved amount", async () => {
    const s = await refundsHeldForApproval();
    const asked = await s.refund(600);
    expect(asked.json.status).toBe("pending");
    expect(await usage(s.b.id)).toMatchObject({ reserved: 600, remaining: 400 });
    const v = await vote(s.approver, asked.json.id, { decision: "approve", input: { amount: 250 } });
    expect(v.status, v.text).toBe(200);
    expect(await usage(s.b.id)).toMatchObject({ used: 250, reserved: 0, remaining: 750 });
    expect(await reservations(asked.json.id)).toEqual([{ amount: "250.000000", state: "USED" }]);
    // What was given back is usable at once, to the last cent.
    expect((await s.refund(50)).json.status).toBe("allowed");
    expect((await s.refund(50)).json.status).toBe("allowed");
    const big = await s.refund(650);
    expect(big.json.status).toBe("pending");
    expect((await s.refund(0.01)).json.status).toBe("denied");
  });

  it("an amount that can't be computed on the approved input refuses the change (fail closed)", async () => {
    const s = await refundsHeldForApproval();
    const asked = await s.refund(100);
    const v = await vote(s.approver, asked.json.id, { decision: "approve", input: { amount: -5 } });
    expect(v.status, v.text).toBe(400);
    expect(v.json.error.code).toBe("modified_input_denied");
    expect(v.json.error.message).toMatch(/negative/);
    expect((await row(asked.json.id)).status).toBe("PENDING");
    expect(await reservations(asked.json.id)).toEqual([{ amount: "100.000000", state: "RESERVED" }]);
  });

  it("a rejected action whose change was approved at a first stage releases all it reserved", async () => {
    const cohort = unique("bw2");
    const [t1, t2] = [await team(1), await team(1)];
    await createPolicy({
      spec: policySpecSchema.parse({
        name: unique("p"),
        effect: "require_approval",
        target: { cohorts: [cohort] },
        condition: "input.amount > 50.0",
        message: "big refund",
        approval: {
          stages: [
            { team: t1.name, quorum: 1, timeoutSeconds: 600, onTimeout: "reject" },
            { team: t2.name, quorum: 1, timeoutSeconds: 600, onTimeout: "reject" },
          ],
          editable: ["input.amount"],
        },
      }),
      actor: "system",
      userId: null,
    });
    const a = await newAgent({ cohort });
    const b = await budget(cohort);
    const api = client(dp.base, a.apiKey);
    const asked = await api.ask({ action: "orders.refund", resource: "order:9", input: { amount: 100 } });
    expect((await vote(t1.people[0]!, asked.json.id, { decision: "approve", input: { amount: 300 } })).status).toBe(200);
    expect(await usage(b.id)).toMatchObject({ reserved: 300, remaining: 700 });
    expect((await vote(t2.people[0]!, asked.json.id, { decision: "reject" })).status).toBe(200);
    expect(await usage(b.id)).toMatchObject({ used: 0, reserved: 0, remaining: 1000 });
  });
});

describe("a budget's running total stays within what it can hold", () => {
  it("denies (budget_error) the escalation that would overflow the total, and answers its batch neighbours", async () => {
    const cohort = unique("ovf");
    const a = await newAgent({ cohort });
    const b = await budget(cohort, { actions: ["*"], limit: 1e15, onExceed: "require_approval" });
    const api = client(dp.base, a.apiKey);
    // 999,999 escalated asks of 10^15 each would take an hour; the state they leave is set directly.
    await pool().query(`UPDATE budget_states SET total = 999999000000000000 WHERE budget_id = $1`, [b.id]);
    const neighbour = await newAgent({ cohort });
    const other = client(dp.base, neighbour.apiKey);
    const [full, ...rest] = await Promise.all([
      api.ask({ action: "x.y", input: { amount: 1e15 } }),
      ...Array.from({ length: 6 }, (_, i) => other.ask({ action: "x.y", input: { amount: i } })),
    ]);
    expect(full!.status, JSON.stringify(full!.json)).toBe(200);
    expect(full!.json.status).toBe("denied");
    expect(full!.json.reasons[0]).toMatchObject({ code: "budget_error" });
    expect(full!.json.reasons[0].message).toMatch(/can't hold/);
    for (const r of rest) expect(r.status, JSON.stringify(r.json)).toBe(200);
    // Something smaller still fits the column: escalated as usual.
    const smaller = await api.ask({ action: "x.y", input: { amount: 1e11 } });
    expect(smaller.json.status, JSON.stringify(smaller.json.reasons)).toBe("pending");
  });

  it("refuses limits below the counting precision", async () => {
    const cohort = unique("lim");
    await newAgent({ cohort });
    const res = await call(budgetsRoute.POST, { token: admin.token, body: { name: unique("b"), scope: { cohort }, actions: ["*"], amount: "input.amount", limit: 1e-7, unit: "EUR", window: { seconds: 60 }, onExceed: "deny" } });
    expect(res.status).toBe(400);
  });

  it("counts a positive amount below half a millionth as one millionth (never free)", async () => {
    expect(toMicros(4e-7)).toBe(1n);
    expect(toMicros(0)).toBe(0n);
    expect(toMicros(1e15)).toBe(10n ** 21n);
    expect(toMicros(0.0000015)).toBe(2n);
    const cohort = unique("tiny");
    const a = await newAgent({ cohort });
    await budget(cohort, { actions: ["*"], limit: 0.000002 });
    const api = client(dp.base, a.apiKey);
    const answers = [];
    for (let i = 0; i < 3; i++) answers.push((await api.ask({ action: "x.y", input: { amount: 4e-7 } })).json.status);
    expect(answers).toEqual(["allowed", "allowed", "denied"]);
  });
});

describe("an idempotent replay in a batch reserves nothing", () => {
  it("the draft after a replay in the same batch sees the budget as it is", async () => {
    const cohort = unique("rep");
    const a = await newAgent({ cohort });
    const b = await budget(cohort, { actions: ["*"], limit: 100 });
    const api = client(dp.base, a.apiKey);
    const first = await api.ask({ action: "x.y", resource: "r:1", input: { amount: 30 }, idempotencyKey: "k-first" });
    expect(first.json.status).toBe("allowed");
    // Hold the budget's running total so the next budgeted batch waits, and the two asks after
    // it queue up together in the batch after that (one budgeted transaction in flight).
    const holder = await pool().connect();
    try {
      await holder.query("BEGIN");
      await holder.query(`SELECT 1 FROM budget_states WHERE budget_id = $1 FOR UPDATE`, [b.id]);
      const blocked = api.ask({ action: "x.y", resource: "r:2", input: { amount: 10 } });
      await until(async () => (await pool().query(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE '%budget_open%'`)).rows[0].n > 0);
      const replay = api.ask({ action: "x.y", resource: "r:1", input: { amount: 30 }, idempotencyKey: "k-first" });
      await until(async () => queued() === 1);
      const last = api.ask({ action: "x.y", resource: "r:3", input: { amount: 60 } });
      await until(async () => queued() === 2);
      await holder.query("COMMIT");
      const [p, r, l] = await Promise.all([blocked, replay, last]);
      expect(p.json.status).toBe("allowed");
      expect(r.json).toMatchObject({ id: first.json.id, status: "allowed" });
      // 30 + 10 + 60 = 100: the last one fits exactly.
      expect(l.json.status, JSON.stringify(l.json.reasons)).toBe("allowed");
      expect(await usage(b.id)).toMatchObject({ used: 100, remaining: 0 });
    } finally {
      await holder.query("ROLLBACK").catch(() => undefined);
      holder.release();
    }
  });
});

/** How many drafts wait in the budgeted lane of this process's batcher. */
function queued(): number {
  return (decisionBatcher() as unknown as { budgeted: { queue: unknown[] } }).budgeted.queue.length;
}

async function until(cond: () => Promise<boolean>, ms = 10_000) {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((r) => setTimeout(r, 10));
  }
}
