import { registerAgent } from "../agents/index.ts";
import { breakerSpecSchema, createBreaker } from "../breakers/index.ts";
import { budgetSpecSchema, createBudget } from "../budgets/index.ts";
import { prisma } from "../db/index.ts";
import { grantCapabilities } from "../capability-changes/index.ts";
import type { Capability } from "../grants/index.ts";
import { createPolicy, policySpecSchema } from "../policies/index.ts";
import { registerVersion } from "../releases/index.ts";
import { createUser } from "../users/index.ts";
import { DEMO_KNOWLEDGE_POLICIES, seedDemoKnowledge } from "./demo-knowledge.ts";
import { seedDemoEscalation } from "./demo-escalation.ts";

type DemoAgent = { name: string; cohort: string; owner: string; riskTier: "low" | "medium" | "high"; description: string };

export const DEMO_AGENTS: DemoAgent[] = [
  { name: "price-optimizer-eu", cohort: "pricing", owner: "pricing-team@maison.example", riskTier: "high", description: "Sets daily prices for the EU ready-to-wear catalogue against competitor feeds." },
  { name: "price-optimizer-us", cohort: "pricing", owner: "pricing-team@maison.example", riskTier: "high", description: "Sets daily prices for the US catalogue; mirrors EU rules with USD floors." },
  { name: "markdown-planner", cohort: "pricing", owner: "claire.dubois@maison.example", riskTier: "medium", description: "Plans end-of-season markdowns for slow sellers." },
  { name: "replenishment-paris", cohort: "inventory", owner: "supply-chain@maison.example", riskTier: "high", description: "Reorders stock for the Paris flagship and its satellite stores." },
  { name: "replenishment-milan", cohort: "inventory", owner: "supply-chain@maison.example", riskTier: "high", description: "Reorders stock for Milan and northern Italy." },
  { name: "allocation-balancer", cohort: "inventory", owner: "marco.rossi@maison.example", riskTier: "medium", description: "Moves stock between stores to match demand." },
  { name: "returns-assistant", cohort: "customer-service", owner: "client-care@maison.example", riskTier: "medium", description: "Handles return requests and issues refunds within policy." },
  { name: "order-tracker", cohort: "customer-service", owner: "client-care@maison.example", riskTier: "low", description: "Answers where-is-my-order questions and reships lost parcels." },
  { name: "vip-concierge", cohort: "customer-service", owner: "amelie.laurent@maison.example", riskTier: "high", description: "Resolves issues for top-tier clients; may grant goodwill gestures." },
  { name: "stylist-web", cohort: "stylist", owner: "digital-experience@maison.example", riskTier: "low", description: "Suggests outfits and sizes to online shoppers." },
  { name: "stylist-clienteling", cohort: "stylist", owner: "digital-experience@maison.example", riskTier: "medium", description: "Drafts personal looks that store advisors send to their clients." },
  { name: "gift-advisor", cohort: "stylist", owner: "sofia.marin@maison.example", riskTier: "low", description: "Recommends gifts within a budget and reserves items in store." },
];

/**
 * Two versions of the stylist and of a pricing agent (lib/releases): the first of each is the
 * current one; `npm run demo:agents -- --scenario bad-release` rolls the pricing candidate out.
 */
export const DEMO_VERSIONS: { agent: string; version: string; config: Record<string, unknown>; notes: string }[] = [
  {
    agent: "stylist-web",
    version: "stylist-v14",
    config: { model: "maison-stylist-2026-09", systemPromptSha256: "4f1c9a0e…b27d", temperature: 0.4, maxItems: 6, tools: ["catalog.search", "size.advisor"] },
    notes: "Autumn collection prompt",
  },
  {
    agent: "stylist-web",
    version: "stylist-v15",
    config: { model: "maison-stylist-2026-11", systemPromptSha256: "9d02e7c1…a410", temperature: 0.6, maxItems: 10, tools: ["catalog.search", "size.advisor", "lookbook.compose"] },
    notes: "New model, holiday lookbooks",
  },
  {
    agent: "price-optimizer-eu",
    version: "pricing-2026.11.2",
    config: { model: "elasticity-gbm-v7", heuristic: "competitor-match", maxCutPct: 15, respectFloors: true, features: ["sell-through", "competitor-feed"] },
    notes: "Current production pricing",
  },
  {
    agent: "price-optimizer-eu",
    version: "pricing-2026.11.3",
    config: { model: "elasticity-gbm-v8", heuristic: "clearance-aggressive", maxCutPct: 45, respectFloors: false, features: ["sell-through", "competitor-feed", "weather"] },
    notes: "Aggressive clearance heuristic (candidate)",
  },
];

export const DEMO_USERS = [
  { email: "olivia.operator@maison.example", name: "Olivia Martin", role: "operator" as const },
  { email: "eva.editor@maison.example", name: "Eva Moreau", role: "editor" as const },
  { email: "arthur.approver@maison.example", name: "Arthur Bernard", role: "approver" as const },
  { email: "victor.viewer@maison.example", name: "Victor Petit", role: "viewer" as const },
];

/** Policies that show the product on the demo estate. */
export const DEMO_POLICIES = [
  {
    name: "flagship-price-floor",
    description: "Flagship lines are never sold below 100: protects the brand from a race to the bottom.",
    effect: "deny",
    target: { cohorts: ["pricing"], actions: ["pricing.set_price"] },
    condition: "'flagship' in input.tags && input.price < 100.0",
    priority: 200,
    message: "Flagship prices may not go below 100",
  },
  {
    name: "deep-discount-approval",
    description: "A price cut of 30 to 40 % against the current price needs a pricing manager (deeper ones climb the deep-markdown escalation path).",
    effect: "require_approval",
    target: { cohorts: ["pricing"], actions: ["pricing.set_price"] },
    condition: "input.price < input.currentPrice * 0.7 && input.price >= input.currentPrice * 0.6",
    priority: 150,
    message: "Discounts over 30 % need approval",
    approval: { quorum: 1, timeoutSeconds: 3600, editable: ["input.price"] },
  },
  {
    name: "large-reorder-approval",
    description: "Reorders over 1,000 units tie up working capital: a planner confirms them.",
    effect: "require_approval",
    target: { actions: ["inventory.reorder"] },
    condition: "input.units > 1000",
    priority: 150,
    message: "Reorders over 1,000 units need approval",
    approval: { quorum: 1, timeoutSeconds: 7200, editable: ["input.units"] },
  },
  {
    name: "large-refund-approval",
    description: "Refunds above 500 are checked by client care before the money goes out.",
    effect: "require_approval",
    target: { actions: ["orders.refund"] },
    condition: "input.amount > 500.0",
    priority: 150,
    message: "Refunds over 500 need approval",
    approval: { quorum: 1, timeoutSeconds: 3600, editable: ["input.amount"] },
  },
  {
    name: "price-applied-as-requested",
    description: "After a price change, the price the store system applied must be the one that was approved.",
    stage: "post",
    effect: "flag",
    target: { actions: ["pricing.set_price"] },
    condition: "result.status == 'succeeded' && has(result.output.appliedPrice) && result.output.appliedPrice != input.price",
    priority: 100,
    message: "The applied price differs from the requested one",
  },
  {
    name: "stylist-basket-size-trial",
    description: "Trial (shadow): would cap stylist recommendations at 8 items.",
    mode: "shadow",
    effect: "deny",
    target: { cohorts: ["stylist"] },
    condition: "has(input.items) && input.items.size() > 8",
    priority: 50,
    message: "More than 8 recommended items",
  },
] as const;

/** Least privilege for every demo agent: what its job needs, on the resources it works on. */
export const DEMO_GRANTS: Record<string, Capability[]> = {
  pricing: [{ action: "pricing.set_price", resources: ["sku:*"] }, { action: "pricing.read_*" }],
  inventory: [
    { action: "inventory.reorder", resources: ["sku:*"] },
    { action: "inventory.transfer", resources: ["sku:*"] },
  ],
  "customer-service": [
    { action: "orders.refund", resources: ["order:*"] },
    { action: "orders.reship", resources: ["order:*"] },
    { action: "orders.track", resources: ["order:*"] },
  ],
  stylist: [
    { action: "stylist.recommend", resources: ["customer:*"] },
    { action: "stylist.reserve", resources: ["store:*"] },
  ],
};

/** Budgets that make sense on the demo estate (names are referred to in the README). */
export const DEMO_BUDGETS = [
  {
    name: "refunds-per-day",
    description: "What client care may refund in a Paris day, in EUR (other currencies converted roughly); beyond it a person approves each refund.",
    scope: { cohort: "customer-service" },
    actions: ["orders.refund"],
    amount: "input.amount * (input.currency == 'EUR' ? 1.0 : input.currency == 'GBP' ? 1.17 : 0.92)",
    limit: 250_000,
    unit: "EUR",
    window: { calendar: "day", timeZone: "Europe/Paris" },
    onExceed: "require_approval",
  },
  {
    name: "pricing-sku-blast-radius",
    description: "The pricing cohort may change at most 1,000 distinct SKUs in any hour.",
    scope: { cohort: "pricing" },
    actions: ["pricing.set_price"],
    distinct: "resource",
    limit: 1000,
    unit: "SKUs",
    window: { seconds: 3600 },
    onExceed: "deny",
  },
  {
    name: "reorder-units-per-day",
    description: "Units the inventory cohort may reorder in a Paris day before a planner confirms each reorder.",
    scope: { cohort: "inventory" },
    actions: ["inventory.reorder"],
    amount: "input.units",
    limit: 2_000_000,
    unit: "units",
    window: { calendar: "day", timeZone: "Europe/Paris" },
    onExceed: "require_approval",
  },
] as const;

/** Breakers that make sense on the demo estate; `npm run demo:agents -- --scenario breaker` trips the first. */
export const DEMO_BREAKERS = [
  {
    name: "pricing-deny-spike",
    description: "More than 20 % of pricing decisions denied in 5 minutes means a feed or model is broken: stop the whole cohort until someone looks.",
    scope: { cohort: "pricing" },
    metric: "deny_rate",
    windowSeconds: 300,
    threshold: 0.2,
    minSamples: 20,
    opens: "cohort",
    recovery: { mode: "manual" },
  },
  {
    name: "refunds-failure-rate",
    description: "A quarter of client care's actions failing in 10 minutes (payment provider or carrier down): pause, then try 5 probes after 2 minutes.",
    scope: { cohort: "customer-service" },
    metric: "failure_rate",
    windowSeconds: 600,
    threshold: 0.25,
    minSamples: 20,
    opens: "cohort",
    recovery: { mode: "half_open", cooldownSeconds: 120, probes: 5 },
  },
  {
    name: "replenishment-paris-flood",
    description: "replenishment-paris asking more than 120 times a minute is a loop, not a plan.",
    scope: { agent: "replenishment-paris" },
    metric: "action_rate",
    windowSeconds: 60,
    threshold: 120,
    minSamples: 1,
    opens: "agent",
    recovery: { mode: "half_open", cooldownSeconds: 300, probes: 3 },
  },
  {
    name: "client-data-guard",
    description: "Client care escalating most of what it does, or an unusual-access alert on it, stops the cohort.",
    scope: { cohort: "customer-service" },
    metric: "escalation_rate",
    windowSeconds: 900,
    threshold: 0.6,
    minSamples: 50,
    opens: "cohort",
    recovery: { mode: "manual" },
    openOnAnomaly: true,
  },
] as const;

/**
 * Fills an empty estate (no agents) with a realistic retail setup, escalation paths included
 * (demo-escalation.ts: teams, staged policies). Returns the demo users' shared password (for
 * the start banner), or null when the estate already had agents.
 */
export async function seedDemo(password: string): Promise<{ users: string[]; password: string } | null> {
  if ((await prisma().agent.count()) > 0) return null;
  const actor = "system";
  const ids = new Map<string, string>();
  for (const a of DEMO_AGENTS) {
    const { agent } = await registerAgent({ input: a, actor, createdById: null });
    ids.set(a.name, agent.id);
    await grantCapabilities({ agentId: agent.id, capabilities: DEMO_GRANTS[a.cohort] ?? [], actor });
  }
  for (const v of DEMO_VERSIONS) await registerVersion({ agentId: ids.get(v.agent)!, input: { version: v.version, config: v.config, notes: v.notes }, actor, createdBy: "system" });
  for (const p of DEMO_POLICIES) await createPolicy({ spec: policySpecSchema.parse(p), actor, userId: null });
  for (const b of DEMO_BUDGETS) await createBudget({ spec: budgetSpecSchema.parse(b), actor, userId: null });
  for (const b of DEMO_BREAKERS) {
    const scope = "agent" in b.scope ? { agent: ids.get(b.scope.agent)! } : b.scope;
    await createBreaker({ spec: breakerSpecSchema.parse({ ...b, scope }), actor, userId: null });
  }
  const users: string[] = [];
  const userIds: Record<string, string> = {};
  for (const u of DEMO_USERS) {
    const existing = await prisma().user.findUnique({ where: { email: u.email }, select: { id: true } });
    if (existing) {
      userIds[u.role] = existing.id;
      continue;
    }
    userIds[u.role] = (await createUser({ input: { ...u, password }, actor })).user.id;
    users.push(`${u.email} (${u.role})`);
  }
  // Knowledge: proposed by the editor, published by the approver; then the policies that read it.
  const person = (role: "editor" | "approver") => ({ userId: userIds[role]!, email: DEMO_USERS.find((u) => u.role === role)!.email });
  if ((await prisma().knowledgeSet.count()) === 0) {
    await seedDemoKnowledge(person("editor"), person("approver"));
    for (const p of DEMO_KNOWLEDGE_POLICIES) await createPolicy({ spec: policySpecSchema.parse(p), actor, userId: null });
  }
  users.push(...(await seedDemoEscalation(password)));
  return { users, password };
}
