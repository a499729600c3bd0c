import { expect } from "vitest";
import * as budgetsRoute from "../../app/api/budgets/route.ts";
import { pool } from "../../lib/db/index.ts";
import { call, unique, userWithToken } from "./fixtures.ts";

/** One refund decision as the scenario's caller sends it (its instance, worker, retries). */
export type RefundAsk<A extends { status: number; json: any }> = (amount: number, i: number) => Promise<A>;

/**
 * The budget-exactness scenario, run across two instances (budget-exactness.test.ts) and across
 * two workers of one instance (workers.test.ts): an operator sets a deny budget of `limit` EUR
 * on `orders.refund` for `cohort`; `requests` concurrent refunds of random amounts (0.01 –
 * `maxAmount` EUR, whole cents) worth about twice the limit go through `ask`. Then, checked here:
 * every answer is 200, some allowed and some denied; no overshoot (the allowed sum ≤ the limit);
 * no slack (each denied refund says budget_exceeded with what was used at its turn, and that
 * plus its amount exceeds the limit — and, nothing having been released, it would not fit even
 * in what remains now); the running total and the live reservations both equal the allowed sum.
 * Returns the answers and sums for the caller's own checks.
 */
export async function budgetUnderConcurrency<A extends { status: number; json: any }>(opts: { cohort: string; limit: number; requests: number; maxAmount: number; ask: RefundAsk<A> }) {
  const { cohort, limit } = opts;
  const operator = await userWithToken("operator");
  const created = await call(budgetsRoute.POST, {
    token: operator.token,
    body: { name: unique("exact"), scope: { cohort }, actions: ["orders.refund"], amount: "input.amount", limit, unit: "EUR", window: { seconds: 3600 }, onExceed: "deny" },
  });
  expect(created.status).toBe(201);
  const cents = (n: number) => Math.round(n * 100);
  const amounts = Array.from({ length: opts.requests }, () => Math.round(1 + Math.random() * (cents(opts.maxAmount) - 1)) / 100);
  const answers = await Promise.all(amounts.map((amount, i) => opts.ask(amount, i)));
  expect(answers.map((a) => a.status)).toEqual(Array(opts.requests).fill(200));

  const allowed = answers.flatMap((a, i) => (a.json.decision === "allow" ? [amounts[i]!] : []));
  const denied = answers.flatMap((a, i) => (a.json.decision === "deny" ? [{ amount: amounts[i]!, reason: a.json.reasons[0] }] : []));
  const allowedCents = allowed.reduce((s, n) => s + cents(n), 0);
  expect(allowed.length).toBeGreaterThan(0);
  expect(denied.length).toBeGreaterThan(0);
  // 1. No overshoot.
  expect(allowedCents).toBeLessThanOrEqual(limit * 100);
  // 2. No slack: each denied request didn't fit at its turn (what was used then + its amount > limit)…
  for (const d of denied) {
    expect(d.reason.code).toBe("budget_exceeded");
    expect(cents(d.reason.budget.used) + cents(d.amount)).toBeGreaterThan(limit * 100);
  }
  // …which the final state confirms independently: nothing was ever released, so what remained
  // at any denied request's turn was at least what remains now, and none would fit even now.
  const remainingCents = limit * 100 - allowedCents;
  for (const d of denied) expect(cents(d.amount)).toBeGreaterThan(remainingCents);
  // 3. The running total is exactly the allowed sum, as the reservations record it.
  const db = await pool().query<{ total: string; reserved: string }>(
    `SELECT s.total::text, (SELECT sum(amount) FROM budget_reservations r WHERE r.budget_id = s.budget_id AND r.state <> 'RELEASED')::text AS reserved FROM budget_states s WHERE s.budget_id = $1`,
    [created.json.id],
  );
  expect(cents(Number(db.rows[0]!.total))).toBe(allowedCents);
  expect(cents(Number(db.rows[0]!.reserved))).toBe(allowedCents);
  return { answers, allowed, denied, allowedCents, remainingCents };
}
