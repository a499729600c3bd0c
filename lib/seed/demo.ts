import { registerAgent } from "../agents/index.ts";
import { prisma } from "../db/index.ts";
import { createUser } from "../users/index.ts";

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
  { email: "arthur.approver@maison.example", name: "Arthur Bernard", role: "approver" as const },
  { email: "victor.viewer@maison.example", name: "Victor Petit", role: "viewer" as const },
];

/**
 * Fills an empty estate (no agents) with a realistic retail setup. Returns the demo users'
 * shared password (for the start banner), or null when the estate already had agents.
 */
export async function seedDemo(password: string): Promise<{ users: string[]; password: string } | null> {
  if ((await prisma().agent.count()) > 0) return null;
  const actor = "system";
  for (const a of DEMO_AGENTS) await registerAgent({ input: a, actor, createdById: null });
  const users: string[] = [];
  for (const u of DEMO_USERS) {
    if (await prisma().user.findUnique({ where: { email: u.email }, select: { id: true } })) continue;
    await createUser({ input: { ...u, password }, actor });
    users.push(`${u.email} (${u.role})`);
  }
  return { users, password };
}
