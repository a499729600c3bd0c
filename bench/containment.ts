// The containment steps of `npm run bench:decisions`: the same load with and without 10
// budgets, 10 breakers and grants on every agent; a budget's exactness under 400 concurrent
// requests on two instances; a breaker tripped by load on two instances. Prints figures.
import { grantCapabilities } from "../lib/capability-changes/index.ts";
import type { Capability } from "../lib/grants/index.ts";
import { budgetSpecSchema, createBudget, deleteBudget } from "../lib/budgets/index.ts";
import { breakerSpecSchema, createBreaker, deleteBreaker } from "../lib/breakers/index.ts";
import { pool } from "../lib/db/index.ts";
import { registerAgent } from "../lib/agents/index.ts";

/**
 * Grants that fit the load worker's traffic (bench/load-worker.ts sends every agent price
 * changes, reorders and refunds alike), so grants cost their check and change no decision.
 */
const TRAFFIC_GRANTS: Capability[] = [
  { action: "pricing.set_price", resources: ["sku:*"] },
  { action: "inventory.reorder", resources: ["sku:*"] },
  { action: "orders.refund", resources: ["order:*"] },
  { action: "pricing.read_*" },
];

const HUGE = 1e12;

/**
 * 10 budgets and 10 breakers of the kinds a retail estate runs, sized so that none refuses or
 * trips during the benchmark (it measures their cost, not their effect), and grants on every
 * agent. Returns a function that removes them again (grants back to unrestricted).
 */
export async function addContainment(agents: { id: string; cohort: string }[]): Promise<() => Promise<void>> {
  const actor = "system";
  for (const a of agents) await grantCapabilities({ agentId: a.id, capabilities: TRAFFIC_GRANTS, actor });
  const byCohort = (c: string) => agents.filter((a) => a.cohort === c);
  const budgets = [
    { name: "bench-refunds-per-day", scope: { cohort: "customer-service" }, actions: ["orders.refund"], amount: "input.amount", limit: HUGE, unit: "EUR", window: { calendar: "day", timeZone: "Europe/Paris" }, onExceed: "require_approval" },
    { name: "bench-reorder-value-per-hour", scope: { cohort: "inventory" }, actions: ["inventory.reorder"], amount: "input.units * input.unitCost", limit: HUGE, unit: "EUR", window: { seconds: 3600 } },
    { name: "bench-pricing-skus-per-hour", scope: { cohort: "pricing" }, actions: ["pricing.set_price"], distinct: "resource", limit: 1e9, unit: "SKUs", window: { seconds: 3600 } },
    { name: "bench-price-changes-per-minute", scope: { cohort: "pricing" }, actions: ["pricing.*"], amount: "1", limit: HUGE, unit: "actions", window: { seconds: 60 } },
    ...byCohort("customer-service")
      .slice(0, 3)
      .map((a, i) => ({ name: `bench-refunds-agent-${i}`, scope: { agent: a.id }, actions: ["orders.refund"], amount: "input.amount", limit: HUGE, unit: "EUR", window: { calendar: "week", timeZone: "Europe/Paris" } })),
    ...byCohort("inventory")
      .slice(0, 3)
      .map((a, i) => ({ name: `bench-reorders-agent-${i}`, scope: { agent: a.id }, actions: ["inventory.*"], amount: "input.units", limit: HUGE, unit: "units", window: { seconds: 600 } })),
  ].slice(0, 10);
  const breakers = [
    ...["pricing", "inventory", "customer-service", "stylist"].map((c) => ({ name: `bench-${c}-deny-spike`, scope: { cohort: c }, metric: "deny_rate", windowSeconds: 300, threshold: 0.99, minSamples: 20 })),
    { name: "bench-cs-escalations", scope: { cohort: "customer-service" }, metric: "escalation_rate", windowSeconds: 300, threshold: 0.99, minSamples: 20 },
    { name: "bench-cs-failures", scope: { cohort: "customer-service" }, metric: "failure_rate", windowSeconds: 600, threshold: 0.5, minSamples: 20, recovery: { mode: "half_open", cooldownSeconds: 60, probes: 5 } },
    { name: "bench-pricing-flags", scope: { cohort: "pricing" }, metric: "flag_rate", windowSeconds: 600, threshold: 0.5, minSamples: 20 },
    { name: "bench-pricing-skus", scope: { cohort: "pricing" }, metric: "distinct_resources", windowSeconds: 600, threshold: 1e8, minSamples: 1 },
    { name: "bench-inventory-flood", scope: { cohort: "inventory" }, metric: "action_rate", windowSeconds: 60, threshold: 1e8, minSamples: 1 },
    { name: "bench-stylist-rejections", scope: { cohort: "stylist" }, metric: "rejection_rate", windowSeconds: 900, threshold: 0.9, minSamples: 20 },
  ];
  const budgetIds: string[] = [];
  const breakerIds: string[] = [];
  for (const b of budgets) budgetIds.push((await createBudget({ spec: budgetSpecSchema.parse({ onExceed: "deny", ...b }), actor, userId: null })).id);
  for (const b of breakers) breakerIds.push((await createBreaker({ spec: breakerSpecSchema.parse(b), actor, userId: null })).id);
  if (budgetIds.length !== 10 || breakerIds.length !== 10) throw new Error(`expected 10 budgets and 10 breakers, made ${budgetIds.length} and ${breakerIds.length}`);
  return async () => {
    for (const id of budgetIds) await deleteBudget({ id, actor });
    for (const id of breakerIds) await deleteBreaker({ id, actor, by: actor });
    for (const a of agents) await grantCapabilities({ agentId: a.id, capabilities: null, actor });
  };
}

type Answer = { decision: string; reasons: { code: string; budget?: { used: number } }[] };

/**
 * 400 concurrent requests of random amounts (0.01–100.00) against one budget of 10,000, split
 * over two instances: the allowed sum (≤ the limit) and how many denied requests would have fit
 * at their turn (0), checked both from each refusal's own numbers and against what remained at
 * the end (nothing is released during the run, so what remained at any turn ≥ what remains).
 */
export async function budgetExactness(bases: string[]): Promise<string> {
  const cohort = `bench-exact-${Date.now().toString(36)}`;
  const keys: string[] = [];
  for (let i = 0; i < 2; i++) keys.push((await registerAgent({ input: { name: `${cohort}-${i}`, cohort, owner: "bench@maison.example" }, actor: "system", createdById: null })).apiKey);
  const LIMIT = 10_000;
  await createBudget({ spec: budgetSpecSchema.parse({ name: cohort, scope: { cohort }, actions: ["orders.refund"], amount: "input.amount", limit: LIMIT, unit: "EUR", window: { seconds: 3600 }, onExceed: "deny" }), actor: "system", userId: null });
  const ask = async (base: string, key: string, amount: number, i: number) => {
    const res = await fetch(`${base}/v1/actions`, { method: "POST", headers: { authorization: `Bearer ${key}`, "content-type": "application/json" }, body: JSON.stringify({ action: "orders.refund", resource: `order:${i}`, input: { amount } }) });
    return (await res.json()) as Answer;
  };
  // Warm both instances (a refund of 0 reserves nothing).
  for (const base of bases) for (const key of keys) await ask(base, key, 0, -1);
  const amounts = Array.from({ length: 400 }, () => Math.round(1 + Math.random() * 9999) / 100);
  const t0 = Date.now();
  const answers = await Promise.all(amounts.map((a, i) => ask(bases[i % bases.length]!, keys[i % keys.length]!, a, i)));
  const took = Date.now() - t0;
  const cents = (n: number) => Math.round(n * 100);
  let allowedCents = 0;
  let allowed = 0;
  const denied: { amount: number; used: number }[] = [];
  answers.forEach((a, i) => {
    if (a.decision === "allow") {
      allowed++;
      allowedCents += cents(amounts[i]!);
    } else denied.push({ amount: amounts[i]!, used: a.reasons[0]?.budget?.used ?? Number.NaN });
  });
  const remaining = LIMIT * 100 - allowedCents;
  const fitAtTurn = denied.filter((d) => !(cents(d.used) + cents(d.amount) > LIMIT * 100)).length;
  const fitAtEnd = denied.filter((d) => cents(d.amount) <= remaining).length;
  const db = (await pool().query<{ total: string }>(`SELECT s.total::text FROM budget_states s JOIN budgets b ON b.id = s.budget_id WHERE b.name = $1`, [cohort])).rows[0]!;
  return [
    `  400 concurrent refunds of 0.01–100.00 EUR over 2 instances against a limit of ${LIMIT.toLocaleString("en")} EUR (${took} ms):`,
    `  allowed ${allowed}, summing ${(allowedCents / 100).toFixed(2)} EUR  [target ≤ ${LIMIT.toLocaleString("en")}]; the budget's running total: ${Number(db.total).toFixed(2)}`,
    `  denied ${denied.length}; of those, would have fit at their turn: ${fitAtTurn} (by their own numbers), ${fitAtEnd} (even in the final remaining ${(remaining / 100).toFixed(2)} EUR)  [target 0]`,
  ].join("\n");
}
