import { registerAgent } from "../agents/index.ts";
import { prisma } from "../db/index.ts";
import { createPolicy, policySpecSchema } from "../policies/index.ts";
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

/**
 * Fills an empty estate (no agents) with a realistic retail setup, escalation paths included
 * (demo-escalation.ts: teams, staged policies). Returns the demo users' shared password (for
 * the start banner), or null when the estate already had agents.
 */
export async function seedDemo(password: string): Promise<{ users: string[]; password: string } | null> {
  if ((await prisma().agent.count()) > 0) return null;
  const actor = "system";
  for (const a of DEMO_AGENTS) await registerAgent({ input: a, actor, createdById: null });
  for (const p of DEMO_POLICIES) await createPolicy({ spec: policySpecSchema.parse(p), actor, userId: null });
  const users: string[] = [];
  const ids: Record<string, string> = {};
  for (const u of DEMO_USERS) {
    const existing = await prisma().user.findUnique({ where: { email: u.email }, select: { id: true } });
    if (existing) {
      ids[u.role] = existing.id;
      continue;
    }
    ids[u.role] = (await createUser({ input: { ...u, password }, actor })).user.id;
    users.push(`${u.email} (${u.role})`);
  }
  // Knowledge: proposed by the editor, published by the approver; then the policies that read it.
  const person = (role: "editor" | "approver") => ({ userId: ids[role]!, email: DEMO_USERS.find((u) => u.role === role)!.email });
  if ((await prisma().knowledgeSet.count()) === 0) {
    await seedDemoKnowledge(person("editor"), person("approver"));
    for (const p of DEMO_KNOWLEDGE_POLICIES) await createPolicy({ spec: policySpecSchema.parse(p), actor, userId: null });
  }
  users.push(...(await seedDemoEscalation(password)));
  return { users, password };
}
