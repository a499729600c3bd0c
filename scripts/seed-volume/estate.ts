import { registerAgent } from "../../lib/agents/index.ts";
import { pool } from "../../lib/db/index.ts";
import type { Rng } from "./rng.ts";

/** The demo estate the history is written for: cohorts, places, agent templates. */
export const SEED_COHORTS = ["pricing", "inventory", "customer-service", "stylist"] as const;
export type CohortName = (typeof SEED_COHORTS)[number];
const COHORT_SHARE: Record<CohortName, number> = { pricing: 0.3, inventory: 0.28, "customer-service": 0.24, stylist: 0.18 };


export type Place = { key: string; tz: number; currency: string; stores: string[] };

// Matched against agent names (longest key first); the default is the European estate.
const PLACES: Place[] = [
  { key: "new-york", tz: -5, currency: "USD", stores: ["new-york-madison", "new-york-soho"] },
  { key: "los-angeles", tz: -8, currency: "USD", stores: ["los-angeles-rodeo-drive", "san-francisco-union-square"] },
  { key: "hong-kong", tz: 8, currency: "HKD", stores: ["hong-kong-landmark", "hong-kong-canton-road"] },
  { key: "singapore", tz: 8, currency: "SGD", stores: ["singapore-ion-orchard", "singapore-marina-bay"] },
  { key: "shanghai", tz: 8, currency: "CNY", stores: ["shanghai-plaza-66", "beijing-skp"] },
  { key: "toronto", tz: -5, currency: "CAD", stores: ["toronto-bloor-street", "vancouver-alberni"] },
  { key: "sydney", tz: 10, currency: "AUD", stores: ["sydney-castlereagh", "melbourne-collins-street"] },
  { key: "london", tz: 0, currency: "GBP", stores: ["london-bond-street", "london-sloane-street"] },
  { key: "madrid", tz: 1, currency: "EUR", stores: ["madrid-serrano", "barcelona-passeig-de-gracia"] },
  { key: "munich", tz: 1, currency: "EUR", stores: ["munich-maximilianstrasse", "berlin-kadewe"] },
  { key: "zurich", tz: 1, currency: "CHF", stores: ["zurich-bahnhofstrasse", "geneva-rue-du-rhone"] },
  { key: "geneva", tz: 1, currency: "CHF", stores: ["geneva-rue-du-rhone", "zurich-bahnhofstrasse"] },
  { key: "tokyo", tz: 9, currency: "JPY", stores: ["tokyo-ginza", "tokyo-omotesando", "osaka-shinsaibashi"] },
  { key: "seoul", tz: 9, currency: "KRW", stores: ["seoul-cheongdam", "seoul-hyundai-apgujeong"] },
  { key: "dubai", tz: 4, currency: "AED", stores: ["dubai-mall", "abu-dhabi-galleria"] },
  { key: "miami", tz: -5, currency: "USD", stores: ["miami-design-district", "bal-harbour"] },
  { key: "paris", tz: 1, currency: "EUR", stores: ["paris-flagship", "paris-saint-honore", "paris-marais"] },
  { key: "milan", tz: 1, currency: "EUR", stores: ["milan-montenapoleone", "milan-brera", "turin-roma"] },
];
const REGION_TOKENS: Record<string, Omit<Place, "key">> = {
  us: { tz: -5, currency: "USD", stores: ["new-york-madison", "los-angeles-rodeo-drive", "miami-design-district"] },
  ca: { tz: -5, currency: "CAD", stores: ["toronto-bloor-street", "vancouver-alberni"] },
  latam: { tz: -3, currency: "USD", stores: ["sao-paulo-iguatemi", "mexico-city-polanco"] },
  uk: { tz: 0, currency: "GBP", stores: ["london-bond-street", "london-sloane-street", "manchester-king-street"] },
  apac: { tz: 8, currency: "USD", stores: ["tokyo-ginza", "hong-kong-landmark", "singapore-ion-orchard", "seoul-cheongdam"] },
  jp: { tz: 9, currency: "JPY", stores: ["tokyo-ginza", "osaka-shinsaibashi"] },
  cn: { tz: 8, currency: "CNY", stores: ["shanghai-plaza-66", "beijing-skp"] },
  mea: { tz: 4, currency: "AED", stores: ["dubai-mall", "doha-place-vendome"] },
  eu: { tz: 1, currency: "EUR", stores: ["paris-flagship", "milan-montenapoleone", "munich-maximilianstrasse"] },
};
const GLOBAL: Omit<Place, "key"> = { tz: 1, currency: "EUR", stores: ["london-bond-street", "new-york-madison", "tokyo-ginza", "paris-flagship"] };

export function placeOf(name: string): Omit<Place, "key"> {
  const tokens = name.split("-");
  for (const t of tokens) {
    const r = REGION_TOKENS[t];
    if (r) return r;
  }
  return PLACES.find((p) => name.includes(p.key)) ?? GLOBAL;
}

export type Template = { base: string; cohort: CohortName; owner: string; riskTier: "low" | "medium" | "high"; description: (where: string) => string; places: string[] };

const TEMPLATES: Template[] = [
  { base: "price-optimizer", cohort: "pricing", owner: "pricing-team@maison.example", riskTier: "high", description: (w) => `Sets daily prices for the ${w} catalogue against competitor feeds.`, places: ["apac", "uk", "jp", "cn", "mea", "latam", "ca"] },
  { base: "replenishment", cohort: "inventory", owner: "supply-chain@maison.example", riskTier: "high", description: (w) => `Reorders stock for the ${w} stores.`, places: ["tokyo", "london", "new-york", "hong-kong", "dubai", "seoul", "madrid", "munich", "shanghai", "sydney", "zurich", "los-angeles"] },
  { base: "returns-assistant", cohort: "customer-service", owner: "client-care@maison.example", riskTier: "medium", description: (w) => `Handles return requests and refunds within policy for ${w} clients.`, places: ["us", "uk", "apac", "jp", "mea", "ca"] },
  { base: "stylist-web", cohort: "stylist", owner: "digital-experience@maison.example", riskTier: "low", description: (w) => `Suggests outfits and sizes to online shoppers in ${w}.`, places: ["us", "uk", "jp", "cn", "apac", "mea"] },
  { base: "markdown-planner", cohort: "pricing", owner: "claire.dubois@maison.example", riskTier: "medium", description: (w) => `Plans end-of-season markdowns for slow sellers in ${w}.`, places: ["us", "uk", "apac", "jp"] },
  { base: "allocation-balancer", cohort: "inventory", owner: "marco.rossi@maison.example", riskTier: "medium", description: (w) => `Moves stock between ${w} stores to match demand.`, places: ["us", "uk", "apac", "cn", "mea"] },
  { base: "order-tracker", cohort: "customer-service", owner: "client-care@maison.example", riskTier: "low", description: (w) => `Answers where-is-my-order questions and reships lost parcels for ${w}.`, places: ["us", "uk", "apac", "jp", "latam"] },
  { base: "stylist-clienteling", cohort: "stylist", owner: "digital-experience@maison.example", riskTier: "medium", description: (w) => `Drafts personal looks that ${w} store advisors send to their clients.`, places: ["tokyo", "london", "new-york", "dubai", "hong-kong"] },
  { base: "promo-pricer", cohort: "pricing", owner: "pricing-team@maison.example", riskTier: "medium", description: (w) => `Prices private-sale and event promotions in ${w}.`, places: ["us", "uk", "apac", "mea"] },
  { base: "stock-rebalancer", cohort: "inventory", owner: "supply-chain@maison.example", riskTier: "medium", description: (w) => `Rebalances outlet and e-commerce stock for ${w}.`, places: ["us", "uk", "jp", "cn"] },
  { base: "vip-concierge", cohort: "customer-service", owner: "amelie.laurent@maison.example", riskTier: "high", description: (w) => `Resolves issues for top-tier clients in ${w}; may grant goodwill gestures.`, places: ["tokyo", "london", "new-york", "dubai", "hong-kong", "geneva"] },
  { base: "gift-advisor", cohort: "stylist", owner: "sofia.marin@maison.example", riskTier: "low", description: (w) => `Recommends gifts within a budget and reserves items in ${w} stores.`, places: ["tokyo", "london", "new-york", "seoul", "singapore"] },
];

const WHERE: Record<string, string> = { us: "US", uk: "UK", apac: "Asia-Pacific", jp: "Japan", cn: "Greater China", mea: "Middle East", latam: "Latin America", ca: "Canada", eu: "EU" };
export const where = (p: string) => WHERE[p] ?? p.split("-").map((w) => w[0]!.toUpperCase() + w.slice(1)).join(" ");

/** The i-th agent name the seeder would register: cohorts in turn, places in turn, then numbered. */
export function candidate(i: number): { name: string; template: Template; place: string } {
  const template = TEMPLATES[i % TEMPLATES.length]!;
  const k = Math.floor(i / TEMPLATES.length);
  const place = template.places[k % template.places.length]!;
  const round = Math.floor(k / template.places.length);
  const name = `${template.base}-${place}${round > 0 || template.base === "price-optimizer" ? `-${String(round + (template.base === "price-optimizer" ? 1 : 2)).padStart(2, "0")}` : ""}`;
  return { name, template, place };
}

export type SeedAgent = {
  id: string;
  name: string;
  cohort: CohortName;
  owner: string;
  riskTier: "low" | "medium" | "high";
  place: Omit<Place, "key">;
  zipf: number;
  canDeny: boolean;
  canApprove: boolean;
  approvalBias: number;
};

export type Approver = { id: string; email: string; weight: number };

export async function ensureAgents(want: number, log: (msg: string) => void): Promise<number> {
  const { rows } = await pool().query<{ name: string }>(`SELECT name FROM agents`);
  const names = new Set(rows.map((r) => r.name));
  let created = 0;
  for (let i = 0; names.size < want; i++) {
    const c = candidate(i);
    if (names.has(c.name)) continue;
    await registerAgent({
      input: { name: c.name, cohort: c.template.cohort, owner: c.template.owner, riskTier: c.template.riskTier, description: c.template.description(where(c.place)) },
      actor: "system",
      createdById: null,
    });
    names.add(c.name);
    created++;
  }
  if (created) log(`registered ${created} agent${created === 1 ? "" : "s"} (now ${names.size})`);
  return created;
}

export async function loadAgents(r: Rng): Promise<{ agents: SeedAgent[]; ignored: string[] }> {
  const { rows } = await pool().query<{ id: string; name: string; cohort: string; owner: string; risk_tier: string }>(
    `SELECT a.id, a.name, c.name AS cohort, a.owner, a.risk_tier FROM agents a JOIN cohorts c ON c.id = a.cohort_id ORDER BY a.created_at, a.id`,
  );
  const known = new Set<string>(SEED_COHORTS);
  const usable = rows.filter((a) => known.has(a.cohort));
  // Zipf-like activity within each cohort (a few agents do most of its work); the cohorts
  // keep fixed shares of the traffic whichever agents turn out busiest.
  const zipf = new Map<string, number>();
  for (const cohort of SEED_COHORTS) {
    const members = usable.filter((a) => a.cohort === cohort);
    const ranks = members.map((_, i) => i);
    for (let i = ranks.length - 1; i > 0; i--) {
      const j = Math.floor(r.next() * (i + 1));
      [ranks[i], ranks[j]] = [ranks[j]!, ranks[i]!];
    }
    const raw = ranks.map((k) => 1 / Math.pow(k + 1, 0.9));
    const sum = raw.reduce((n, w) => n + w, 0);
    members.forEach((a, i) => zipf.set(a.id, (COHORT_SHARE[cohort] * raw[i]!) / sum));
  }
  const agents = usable.map((a) => ({
    id: a.id,
    name: a.name,
    cohort: a.cohort as CohortName,
    owner: a.owner,
    riskTier: a.risk_tier.toLowerCase() as SeedAgent["riskTier"],
    place: placeOf(a.name),
    zipf: zipf.get(a.id)!,
    canDeny: false,
    canApprove: false,
    approvalBias: a.name.startsWith("vip-concierge") || a.name.startsWith("markdown-planner") ? 3 : 1,
  }));
  return { agents, ignored: rows.filter((a) => !known.has(a.cohort)).map((a) => a.name) };
}
