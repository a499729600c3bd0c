// Volume seeding (`npm run seed:volume`): a realistic history of governed actions and the audit
// events the product would have written for them, bulk-loaded with COPY.
//
// Every row is what the real code paths write (commit-batch.ts, report-result.ts,
// decide-approval.ts, read-action.ts expireDueActions): the policies in the database decide each
// generated request (lib/policies evaluatePolicies/evaluatePostChecks, with `now` at the
// historical time), and audit events are chained with the real eventHash. Only the timestamps
// are historical. Work goes in chunks, one transaction each: actions (and approvals) are
// streamed with COPY while they are generated; then all 16 chain heads are locked, sequence
// numbers reserved, and the chunk's events — in `at` order — are hashed round-robin over the
// chains and streamed with COPY too; the heads move and the chunk commits.
import { randomBytes, randomUUID } from "node:crypto";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { parseArgs } from "node:util";
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { registerAgent } from "../agents/index.ts";
import { AUDIT_CHAINS, reserveSeqsSql } from "../audit/index.ts";
import { eventHash } from "../audit/hash.ts";
import { pool } from "../db/index.ts";
import { newId } from "../ids.ts";
import { requestHash } from "../decisions/index.ts";
import { activePolicies, evaluatePolicies, evaluatePostChecks, type CompiledPolicy, type EvalInput, type Reason } from "../policies/index.ts";

export type RedactHook = (root: "input" | "context" | "output", value: unknown) => unknown;

/**
 * The shape of lib/privacy's StorageRedactor: one per write, it redacts documents, free text
 * and the resource string, and lists what it replaced (kind and path) for the audit event.
 */
export type SeedRedactor = {
  document(root: "input" | "context" | "output", value: unknown): unknown;
  text(value: string): string;
  resource(value: string): string;
  readonly redactions: readonly unknown[];
  /** The markers it wrote (for actions.pii_markers). */
  readonly markers: readonly string[];
};

export type VolumeOptions = {
  /** How many actions to write (each brings ~2 audit events). */
  events: number;
  /** The history ends now and reaches back this many days (default 30). */
  days?: number;
  /** At least this many agents exist afterwards (default 60); missing ones are registered. */
  agents?: number;
  /** PRNG seed: the same seed gives the same shape of history (ids and keys stay random). */
  seed?: number;
  log?: (msg: string) => void;
  /** Applied to every generated input, context and output before it is stored (default: none). */
  redact?: RedactHook;
  /**
   * Instead of `redact`: a fresh redactor per write, as the product uses (decide.ts: resource,
   * input, context; report-result.ts: output, error), whose redactions are listed in the audit
   * events like the product lists them. E.g. `() => redactorFor(rules, redactionKey())`.
   */
  redactor?: () => SeedRedactor;
  /** Actions per transaction (default 25,000). */
  chunkSize?: number;
};

export type VolumeResult = { actions: number; auditEvents: number; agents: number; from: Date; to: Date; ms: number };

const DAY = 86_400_000;
const HOUR = 3_600_000;
const DEFAULT_CHUNK = 25_000;
const FLUSH_CHARS = 256 * 1024;
export const SEED_COHORTS = ["pricing", "inventory", "customer-service", "stylist"] as const;
type CohortName = (typeof SEED_COHORTS)[number];
const COHORT_SHARE: Record<CohortName, number> = { pricing: 0.3, inventory: 0.28, "customer-service": 0.24, stylist: 0.18 };

// ── command line ─────────────────────────────────────────────────────────────────────────────

export type VolumeArgs = { events: number; days: number; agents: number; seed: number | undefined; help: boolean };

export const VOLUME_USAGE = "usage: npm run seed:volume -- [--events N (default 1000000)] [--days D (default 30)] [--agents A (default 60)] [--seed S]";

const MAX_EVENTS = 100_000_000;

function integerArg(name: string, raw: string | undefined, fallback: number, min: number, max: number): number {
  if (raw === undefined) return fallback;
  const text = raw.trim().replace(/_/g, "");
  if (!/^\d+$/.test(text)) throw new Error(`--${name} must be a whole number, got "${raw}"`);
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < min || n > max) throw new Error(`--${name} must be between ${min.toLocaleString("en")} and ${max.toLocaleString("en")}, got ${raw}`);
  return n;
}

/** Parses seed:volume's arguments; throws an Error with a readable message on bad ones. */
export function parseVolumeArgs(argv: string[]): VolumeArgs {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      allowPositionals: false,
      options: { events: { type: "string" }, days: { type: "string" }, agents: { type: "string" }, seed: { type: "string" }, help: { type: "boolean", short: "h" } },
    }).values;
  } catch (err) {
    throw new Error((err as Error).message);
  }
  const str = (k: string) => (typeof values[k] === "string" ? (values[k] as string) : undefined);
  const events = integerArg("events", str("events"), 1_000_000, 1, MAX_EVENTS);
  const agents = integerArg("agents", str("agents"), 60, 1, 10_000);
  const seed = str("seed") === undefined ? undefined : integerArg("seed", str("seed"), 0, 0, 0xffffffff);
  const daysRaw = str("days");
  let days = 30;
  if (daysRaw !== undefined) {
    days = /^\s*\d+(\.\d+)?\s*$/.test(daysRaw) ? Number(daysRaw) : NaN;
    if (!(days > 0 && days <= 3650)) throw new Error(`--days must be a number of days above 0 and at most 3650, got "${daysRaw}"`);
  }
  return { events, days, agents, seed, help: values.help === true };
}

// ── deterministic randomness ─────────────────────────────────────────────────────────────────

class Rng {
  private a: number;
  constructor(seed: number) {
    this.a = seed >>> 0;
  }
  /** mulberry32: uniform in [0, 1). */
  next(): number {
    this.a = (this.a + 0x6d2b79f5) >>> 0;
    let t = this.a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }
  range(min: number, max: number): number {
    return min + this.next() * (max - min);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.next() * xs.length)]!;
  }
  /** Log-normal around `median` (sigma in natural-log units). */
  lognormal(median: number, sigma: number): number {
    const u = 1 - this.next();
    const v = this.next();
    return median * Math.exp(sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v));
  }
}

// ── COPY text format ─────────────────────────────────────────────────────────────────────────

const SPECIAL = /[\\\t\n\r]/;
const SPECIAL_ALL = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { "\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r" };

function esc(s: string): string {
  return SPECIAL.test(s) ? s.replace(SPECIAL_ALL, (c) => ESCAPES[c]!) : s;
}
const opt = (s: string | null | undefined) => (s === null || s === undefined ? "\\N" : esc(s));
const ts = (ms: number | null) => (ms === null ? "\\N" : new Date(ms).toISOString());
const json = (v: unknown) => esc(JSON.stringify(v ?? {}));

async function copyIn(client: pg.PoolClient, sql: string, source: Iterable<string>): Promise<number> {
  const stream = client.query(copyFrom(sql));
  await pipeline(Readable.from(source), stream);
  return stream.rowCount;
}

// ── the estate ───────────────────────────────────────────────────────────────────────────────

type Place = { key: string; tz: number; currency: string; stores: string[] };

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

function placeOf(name: string): Omit<Place, "key"> {
  const tokens = name.split("-");
  for (const t of tokens) {
    const r = REGION_TOKENS[t];
    if (r) return r;
  }
  return PLACES.find((p) => name.includes(p.key)) ?? GLOBAL;
}

type Template = { base: string; cohort: CohortName; owner: string; riskTier: "low" | "medium" | "high"; description: (where: string) => string; places: string[] };

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
const where = (p: string) => WHERE[p] ?? p.split("-").map((w) => w[0]!.toUpperCase() + w.slice(1)).join(" ");

/** The i-th agent name the seeder would register: cohorts in turn, places in turn, then numbered. */
function candidate(i: number): { name: string; template: Template; place: string } {
  const template = TEMPLATES[i % TEMPLATES.length]!;
  const k = Math.floor(i / TEMPLATES.length);
  const place = template.places[k % template.places.length]!;
  const round = Math.floor(k / template.places.length);
  const name = `${template.base}-${place}${round > 0 || template.base === "price-optimizer" ? `-${String(round + (template.base === "price-optimizer" ? 1 : 2)).padStart(2, "0")}` : ""}`;
  return { name, template, place };
}

type SeedAgent = {
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

type Approver = { id: string; email: string; weight: number };

// ── traffic: what each cohort asks for (after scripts/demo-agents.ts) ───────────────────────

type Intent = "allow" | "deny" | "approval";
type Plan = {
  action: string;
  resource: string;
  input: Record<string, unknown>;
  context: Record<string, unknown>;
  output: () => Record<string, unknown>;
  error: () => string;
};

const FIRST = ["marie", "lucas", "giulia", "emma", "hugo", "chloe", "leo", "sofia", "james", "olivia", "yuki", "hana", "min-jun", "aisha", "omar", "isabella", "liam", "camille", "matteo", "noah"];
const LAST = ["dupont", "rossi", "martin", "bernard", "bianchi", "smith", "tanaka", "kim", "garcia", "muller", "laurent", "moreau", "ricci", "brown", "sato", "lee", "haddad", "silva", "fontaine", "weber"];
const MAIL = ["example.com", "example.fr", "example.it", "example.co.uk", "example.jp", "example.net"];

function customerEmail(r: Rng): string {
  return `${r.pick(FIRST)}.${r.pick(LAST)}${r.chance(0.4) ? r.int(1, 99) : ""}@${r.pick(MAIL)}`;
}

function customerPhone(r: Rng): string {
  const d = (n: number) => Array.from({ length: n }, () => r.int(0, 9)).join("");
  switch (r.int(0, 3)) {
    case 0:
      return `+33 6 ${d(2)} ${d(2)} ${d(2)} ${d(2)}`;
    case 1:
      return `+39 3${d(2)} ${d(3)} ${d(4)}`;
    case 2:
      return `+44 7${d(3)} ${d(6)}`;
    default:
      return `+1 (212) 555-${d(4)}`;
  }
}

function makeTraffic(r: Rng): Record<CohortName, (a: SeedAgent, intent: Intent, at: number) => Plan> {
  const money = (n: number) => Math.round(n * 100) / 100;
  const sku = () => `LUX-${String(r.int(1, 480)).padStart(4, "0")}`;
  const orderId = () => `MSN-${r.int(1_000_000, 9_999_999)}`;
  const isoWeek = (at: number) => {
    const d = new Date(at);
    const start = Date.UTC(d.getUTCFullYear(), 0, 1);
    return `${d.getUTCFullYear()}-W${String(Math.ceil((at - start) / (7 * DAY) + 0.01)).padStart(2, "0")}`;
  };
  return {
    pricing(a, intent, at) {
      if (intent === "allow" && a.name.startsWith("markdown-planner") && r.chance(0.35)) {
        const s = sku();
        const markdownPct = r.pick([20, 30, 40, 50]);
        const startsOn = new Date(at + r.int(2, 21) * DAY).toISOString().slice(0, 10);
        return {
          action: "pricing.schedule_markdown",
          resource: `sku:${s}`,
          input: { sku: s, markdownPct, startsOn, stores: r.int(3, 40), season: r.pick(["SS26", "AW25", "Resort"]) },
          context: { source: "sell-through", week: isoWeek(at) },
          output: () => ({ markdownId: `MD-${r.int(10_000, 99_999)}`, sku: s, markdownPct, startsOn }),
          error: () => r.pick(["merchandising calendar locked for the season close", "markdown service timed out"]),
        };
      }
      const s = sku();
      const tag = intent === "deny" ? "flagship" : r.pick(["flagship", "core", "core", "outlet"] as const);
      const currency = a.place.currency;
      const currentPrice = { flagship: r.int(450, 4800), core: r.int(120, 900), outlet: r.int(40, 300) }[tag];
      let cut: number;
      let price: number;
      if (intent === "deny") {
        price = r.int(59, 99); // the feed glitch a price floor exists for
        cut = Math.round((1 - price / currentPrice) * 100);
      } else {
        cut = intent === "approval" ? r.int(31, 60) : r.chance(0.85) ? r.int(1, 15) : -r.int(1, 8);
        price = money(currentPrice * (1 - cut / 100));
      }
      return {
        action: "pricing.set_price",
        resource: `sku:${s}`,
        input: { sku: s, currentPrice, price, currency, tags: [tag], discountPct: cut },
        context: { source: r.pick(["competitor-feed", "sell-through", "season-plan"]) },
        output: () => ({ sku: s, appliedPrice: r.chance(0.04) ? money(price * r.pick([0.9, 1.02, 1.1])) : price, currency }),
        error: () => r.pick(["store pricing API timed out", "ERP refused the price: SKU locked for stock count", "currency table out of date"]),
      };
    },
    inventory(a, intent) {
      const s = sku();
      const stores = a.place.stores;
      if (intent === "allow" && /^(allocation-balancer|stock-rebalancer)/.test(a.name) && r.chance(0.5) && stores.length > 1) {
        const from = r.pick(stores);
        const to = r.pick(stores.filter((x) => x !== from));
        const units = r.int(2, 40);
        return {
          action: "inventory.transfer",
          resource: `sku:${s}`,
          input: { sku: s, fromStore: from, toStore: to, units },
          context: { trigger: r.pick(["demand-forecast", "store-request", "end-of-season"]) },
          output: () => ({ transferId: `TR-${r.int(100_000, 999_999)}`, units }),
          error: () => r.pick(["store WMS unavailable", "transfer refused: stock count in progress"]),
        };
      }
      const units = intent === "approval" ? r.int(1001, 6000) : r.chance(0.9) ? r.int(6, 199) : r.int(200, 900);
      return {
        action: "inventory.reorder",
        resource: `sku:${s}`,
        input: { sku: s, store: r.pick(stores), units, unitCost: money(r.range(35, 900)) },
        context: { trigger: r.pick(["below-safety-stock", "forecast", "forecast", "store-request"]) },
        output: () => ({ purchaseOrder: `PO-${r.int(100_000, 999_999)}`, units }),
        error: () => r.pick(["supplier EDI timed out", "supplier EDI timed out", "supplier refused: minimum order quantity not met"]),
      };
    },
    "customer-service"(a, intent) {
      const id = orderId();
      const currency = a.place.currency === "EUR" ? r.pick(["EUR", "EUR", "USD", "GBP"]) : a.place.currency;
      const channel = r.pick(["chat", "email", "email", "phone", "store"]);
      const context: Record<string, unknown> = { channel };
      if (channel === "email" && r.chance(0.7)) context.customerEmail = customerEmail(r);
      if (channel === "phone" && r.chance(0.6)) context.customerPhone = customerPhone(r);
      if (intent === "allow" && r.chance(a.name.startsWith("order-tracker") ? 0.7 : 0.2)) {
        const carrier = r.pick(["DHL", "UPS", "FedEx", "Colissimo"]);
        const input: Record<string, unknown> = { orderId: id, carrier, reason: r.pick(["lost in transit", "damaged parcel", "wrong address corrected"]) };
        if (r.chance(0.25)) input.contactPhone = customerPhone(r);
        return {
          action: "orders.reship",
          resource: `order:${id}`,
          input,
          context,
          output: () => ({ trackingNumber: `${carrier.slice(0, 2).toUpperCase()}${r.int(100_000_000, 999_999_999)}` }),
          error: () => `${carrier} API unavailable`,
        };
      }
      const amount = intent === "approval" ? money(r.range(520, 3200)) : money(r.range(25, 480));
      const input: Record<string, unknown> = { orderId: id, amount, currency, reason: r.pick(["damaged", "late delivery", "wrong size", "goodwill gesture"]) };
      if (r.chance(0.15)) input.note = `Client ${customerEmail(r)} asked for the refund on the original card`;
      return {
        action: "orders.refund",
        resource: `order:${id}`,
        input,
        context,
        output: () => ({ refundId: `re_${r.int(10_000_000, 99_999_999)}`, amount, currency }),
        error: () => r.pick(["payment provider declined the refund", "order already refunded in the OMS"]),
      };
    },
    stylist(a) {
      const customer = `C-${r.int(10_000, 99_999)}`;
      if (a.name.startsWith("gift-advisor") && r.chance(0.3)) {
        const s = sku();
        return {
          action: "stylist.reserve_item",
          resource: `sku:${s}`,
          input: { sku: s, store: r.pick(a.place.stores), customerId: customer, holdHours: r.pick([24, 48, 72]) },
          context: { budget: r.pick([150, 300, 500, 1000]), occasion: r.pick(["birthday", "anniversary", "holiday", "thank-you"]) },
          output: () => ({ reservationId: `RSV-${r.int(100_000, 999_999)}`, sku: s }),
          error: () => "store stock changed: the item is no longer available",
        };
      }
      const items = Array.from({ length: r.chance(0.08) ? r.int(9, 12) : r.int(3, 6) }, sku); // over 8: the shadow trial notices
      const context: Record<string, unknown> = { channel: a.name.startsWith("stylist-clienteling") ? "advisor" : "web" };
      if (a.name.startsWith("stylist-clienteling") && r.chance(0.3)) context.clientEmail = customerEmail(r);
      return {
        action: "stylist.recommend",
        resource: `customer:${customer}`,
        input: { customerSegment: r.pick(["vip", "loyal", "new", "gifting"]), items },
        context,
        output: () => ({ lookId: `look_${r.int(100_000, 999_999)}`, recommended: items.length }),
        error: () => "catalogue search timed out",
      };
    },
  };
}

// ── time: business-hours seasonality ────────────────────────────────────────────────────────

// Relative activity by local hour of day.
const ACTIVITY = [0.12, 0.08, 0.06, 0.05, 0.05, 0.08, 0.2, 0.45, 0.8, 1, 1, 0.95, 0.85, 0.95, 1, 1, 0.95, 0.85, 0.65, 0.5, 0.4, 0.32, 0.25, 0.18];

function activity(ms: number, tz: number): number {
  const local = new Date(ms + tz * HOUR);
  const dow = local.getUTCDay();
  return ACTIVITY[local.getUTCHours()]! * (dow === 0 || dow === 6 ? 0.55 : 1);
}

type Bucket = { start: number; end: number; count: number };

function planBuckets(r: Rng, agents: SeedAgent[], from: number, end: number, total: number): Bucket[] {
  const buckets: { start: number; end: number; weight: number }[] = [];
  const dayNoise = new Map<number, number>();
  for (let s = from; s < end; s += HOUR) {
    const e = Math.min(s + HOUR, end);
    const mid = (s + e) / 2;
    const day = Math.floor(mid / DAY);
    if (!dayNoise.has(day)) dayNoise.set(day, r.range(0.85, 1.15));
    let w = 0;
    for (const a of agents) w += a.zipf * activity(mid, a.place.tz);
    buckets.push({ start: s, end: e, weight: w * ((e - s) / HOUR) * dayNoise.get(day)! });
  }
  const sum = buckets.reduce((n, b) => n + b.weight, 0);
  const exact = buckets.map((b) => (total * b.weight) / sum);
  const counts = exact.map(Math.floor);
  let left = total - counts.reduce((n, c) => n + c, 0);
  const byRemainder = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((x, y) => y[0] - x[0]);
  for (let k = 0; left > 0; k = (k + 1) % byRemainder.length, left--) {
    const i = byRemainder[k]![1];
    counts[i] = counts[i]! + 1;
  }
  return buckets.map((b, i) => ({ start: b.start, end: b.end, count: counts[i]! }));
}

type Picker = { agents: SeedAgent[]; cumulative: Float64Array } | null;

function picker(agents: SeedAgent[], weight: (a: SeedAgent) => number): Picker {
  const chosen = agents.filter((a) => weight(a) > 0);
  if (!chosen.length) return null;
  const cumulative = new Float64Array(chosen.length);
  let sum = 0;
  chosen.forEach((a, i) => (cumulative[i] = sum += weight(a)));
  return { agents: chosen, cumulative };
}

function pickAgent(r: Rng, p: NonNullable<Picker>): SeedAgent {
  const x = r.next() * p.cumulative[p.cumulative.length - 1]!;
  let lo = 0;
  let hi = p.cumulative.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (p.cumulative[mid]! > x) hi = mid;
    else lo = mid + 1;
  }
  return p.agents[lo]!;
}

// ── one action and its audit trail ──────────────────────────────────────────────────────────

type Status = "allowed" | "denied" | "pending" | "approved" | "rejected" | "expired";

/** An audit event to be chained: `data` is already JSON (what jsonb will store). */
type PendingEvent = { at: number; ord: number; actor: string; kind: string; subject: string; agentId: string | null; cohort: string | null; data: string };

type Built = { row: string; events: PendingEvent[]; approvals: string[]; status: Status; at: number };

function briefReason(r: Reason) {
  return { code: r.code, policyId: r.policyId, policyName: r.policyName, policyVersion: r.policyVersion, effect: r.effect, message: r.message };
}

const isOwner = (owner: string, email: string) => owner.trim().toLowerCase() === email.trim().toLowerCase();

const APPROVE_COMMENTS = ["", "", "", "Within the season plan", "OK, checked with the buyer", "Confirmed with the store manager", "Fine for this client", "Agreed: stock is ageing"];
const REJECT_COMMENTS = ["", "Too deep for this line", "Stock already in transit from the DC", "Outside the refund policy", "Please resubmit with the order history", "Not before the sale starts"];

type Context = {
  r: Rng;
  pre: CompiledPolicy[];
  post: CompiledPolicy[];
  approvers: Approver[];
  redactor: () => SeedRedactor;
  traffic: ReturnType<typeof makeTraffic>;
  to: number;
  ord: number;
};

function weightedApprover(r: Rng, list: Approver[], exclude: Set<string>): Approver | null {
  const pool = list.filter((u) => !exclude.has(u.id));
  if (!pool.length) return null;
  let x = r.next() * pool.reduce((n, u) => n + u.weight, 0);
  for (const u of pool) if ((x -= u.weight) < 0) return u;
  return pool[pool.length - 1]!;
}

function evalInput(a: SeedAgent, plan: Pick<Plan, "action" | "resource" | "input" | "context">, now: number): EvalInput {
  return {
    agent: { id: a.id, name: a.name, cohort: a.cohort, owner: a.owner, riskTier: a.riskTier },
    action: plan.action,
    resource: plan.resource,
    input: plan.input,
    context: plan.context,
    now: new Date(now),
  };
}

/**
 * One action as the product would have recorded it: the request decided by the real policies,
 * a human's answer or the timeout for pending ones, a result for most allowed ones, and every
 * audit event on the way.
 */
function buildAction(c: Context, t: number, pickers: Record<Intent, Picker>): Built {
  const { r } = c;
  const roll = r.next();
  let intent: Intent = roll < 0.86 ? "allow" : roll < 0.94 ? "deny" : "approval";
  if (intent === "approval" && c.to - t < 5 * 60_000) intent = "allow"; // too recent to be settled
  if (!pickers[intent]) intent = "allow";
  let agent = pickAgent(r, pickers[intent]!);
  let plan!: Plan;
  let ev!: ReturnType<typeof evaluatePolicies>;
  let resolution: { status: Exclude<Status, "allowed" | "denied" | "pending">; votes: { at: number; user: Approver; vote: "APPROVE" | "REJECT"; comment: string }[]; decidedAt: number } | null = null;
  for (let attempt = 0; ; attempt++) {
    plan = c.traffic[agent.cohort](agent, intent, t);
    ev = evaluatePolicies(c.pre, evalInput(agent, plan, t));
    const got: Intent = ev.decision === "allow" ? "allow" : ev.decision === "deny" ? "deny" : "approval";
    if (got !== intent && attempt < 2) continue;
    if (ev.decision !== "pending") break;
    resolution = settle(c, agent, t, ev);
    if (resolution || attempt >= 6) break;
    // Nobody could have settled it yet: ask for something ordinary instead.
    intent = "allow";
    agent = pickAgent(r, pickers.allow!);
  }

  const id = newId("act", t);
  const subject = `action:${id}`;
  const idempotencyKey = r.chance(0.2) ? randomUUID() : null;
  const hash = requestHash({ action: plan.action, resource: plan.resource, input: plan.input, context: plan.context });
  // Policies saw the raw request; what is stored is redacted (decide.ts).
  const stored = c.redactor();
  const resource = stored.resource(plan.resource);
  const input = stored.document("input", plan.input);
  const context = stored.document("context", plan.context);
  const markers = [...stored.markers];
  const decided: Status = ev.decision === "allow" ? "allowed" : ev.decision === "deny" ? "denied" : "pending";
  const status: Status = resolution?.status ?? decided;
  const events: PendingEvent[] = [];
  const event = (at: number, actor: string, kind: string, data: Record<string, unknown>) =>
    events.push({ at, ord: c.ord++, actor, kind, subject, agentId: agent.id, cohort: agent.cohort, data: JSON.stringify(data) });

  event(t + r.int(0, 3), `agent:${agent.id}`, "action.decided", {
    action: plan.action,
    resource,
    decision: decided === "pending" ? "pending" : decided === "allowed" ? "allow" : "deny",
    status: decided,
    reasons: ev.reasons.map(briefReason),
    shadow: ev.shadow.map(briefReason),
    requestHash: hash,
    idempotencyKey,
    ...(stored.redactions.length ? { redactions: stored.redactions } : {}),
  });

  // A human (or the clock) settles a pending action (decide-approval.ts, expireDueActions).
  const reasons: unknown[] = [...ev.reasons];
  const approvals: string[] = [];
  let decidedAt: number | null = decided === "pending" ? null : t;
  const quorum = ev.decision === "pending" ? (ev.approval?.quorum ?? 1) : null;
  const expiresAt = ev.decision === "pending" ? t + (ev.approval?.timeoutSeconds ?? 3600) * 1000 : null;
  if (resolution) {
    const q = quorum ?? 1;
    let approved = 0;
    const emails: string[] = [];
    for (const v of resolution.votes) {
      const actor = `user:${v.user.id}`;
      approvals.push(`${newId("apv", v.at)}\t${id}\t${v.user.id}\t${v.vote}\t${esc(v.comment)}\t${ts(v.at)}\n`);
      if (v.vote === "APPROVE") {
        approved++;
        emails.push(v.user.email);
      }
      event(v.at, actor, v.vote === "APPROVE" ? "approval.granted" : "approval.refused", {
        action: plan.action,
        comment: v.comment || null,
        approvals: approved,
        quorum: q,
        byOwner: isOwner(agent.owner, v.user.email),
      });
      if (v.vote === "REJECT" || approved >= q) {
        const final = v.vote === "REJECT" ? "rejected" : "approved";
        reasons.push({ code: "policy", message: final === "rejected" ? `Rejected by ${v.user.email}${v.comment ? `: ${v.comment}` : ""}` : `Approved by ${emails.join(", ")}` });
        event(v.at + 2, actor, `action.${final}`, { action: plan.action, status: final, approvals: approved, quorum: q });
      }
    }
    if (resolution.status === "expired") {
      reasons.push({ code: "policy", message: "No decision before the approval timed out" });
      event(resolution.decidedAt + r.int(1, 3), "system", "action.expired", { action: plan.action, status: "expired" });
    }
    decidedAt = resolution.decidedAt;
  }

  // The agent acts, then reports what happened (report-result.ts).
  let result = "\\N\t\\N\t\\N\t\\N\t[]";
  if ((status === "allowed" || status === "approved") && r.chance(0.95)) {
    const resultAt = decidedAt! + Math.round(Math.min(30_000, 40 + r.lognormal(350, 1)));
    if (resultAt <= c.to) {
      const failed = r.chance(0.03);
      const output = failed ? null : plan.output();
      const error = failed ? plan.error() : null;
      // Post-checks see the stored request and the raw result; the result is stored redacted.
      const checks = evaluatePostChecks(c.post, {
        ...evalInput(agent, plan, resultAt),
        resource,
        input: input as Record<string, unknown>,
        context: context as Record<string, unknown>,
        result: { status: failed ? "failed" : "succeeded", output, error },
      });
      const flags = checks.flags.map((f) => ({ policyId: f.policyId, policyName: f.policyName, policyVersion: f.policyVersion, message: f.message }));
      const reported = c.redactor();
      const storedOutput = output === null ? null : reported.document("output", output);
      const storedError = error ? reported.text(error) : null;
      for (const m of reported.markers) if (!markers.includes(m)) markers.push(m);
      result = [
        failed ? "FAILED" : "SUCCEEDED",
        storedOutput === null || storedOutput === undefined ? "\\N" : json(storedOutput),
        opt(storedError),
        ts(resultAt),
        json([...flags, ...checks.shadow.map((s) => ({ ...s, shadow: true }))]),
      ].join("\t");
      event(resultAt + r.int(1, 3), `agent:${agent.id}`, flags.length ? "action.flagged" : "action.result_reported", {
        action: plan.action,
        status: failed ? "failed" : "succeeded",
        error: storedError,
        flags,
        shadowFlags: checks.shadow.map((s) => s.policyName),
        ...(reported.redactions.length ? { redactions: reported.redactions } : {}),
      });
    }
  }

  const row = [
    id,
    agent.id,
    esc(agent.cohort),
    esc(plan.action),
    esc(resource),
    json(input),
    json(context),
    opt(idempotencyKey),
    hash,
    status === "allowed" || status === "approved" ? "ALLOW" : status === "pending" ? "PENDING" : "DENY",
    status.toUpperCase(),
    json(reasons),
    json(ev.shadow),
    json(ev.evaluated),
    quorum === null ? "\\N" : String(quorum),
    ts(expiresAt),
    ts(decidedAt),
    result,
    ts(t),
    // A text[] literal; markers hold no quote, comma or backslash.
    `{${markers.map((m) => `"${m}"`).join(",")}}`,
  ].join("\t");
  return { row: `${row}\n`, events, approvals, status, at: t };
}

/** How a pending action ended: approved, rejected or expired; null if none fits before `to`. */
function settle(c: Context, agent: SeedAgent, t: number, ev: ReturnType<typeof evaluatePolicies>): ReturnType<typeof settleInner> {
  return settleInner(c, agent, t, ev.approval?.quorum ?? 1, (ev.approval?.timeoutSeconds ?? 3600) * 1000);
}

function settleInner(c: Context, agent: SeedAgent, t: number, quorum: number, timeoutMs: number) {
  const { r } = c;
  const expiresAt = t + timeoutMs;
  const lastVote = Math.min(expiresAt - 2000, c.to - 2000) - t; // votes land before the timeout
  const canVote = lastVote >= 15_000 && c.approvers.length > 0;
  const nonOwners = c.approvers.filter((u) => !isOwner(agent.owner, u.email));
  const canApprove = canVote && nonOwners.length >= quorum;
  const canExpire = expiresAt + 2000 <= c.to;
  const roll = r.next();
  const wanted = roll < 4 / 6 ? "approved" : roll < 5 / 6 ? "rejected" : "expired";
  const order = wanted === "approved" ? ["approved", "rejected", "expired"] : wanted === "rejected" ? ["rejected", "approved", "expired"] : ["expired", "approved", "rejected"];
  const status = order.find((s) => (s === "approved" ? canApprove : s === "rejected" ? canVote : canExpire)) as "approved" | "rejected" | "expired" | undefined;
  if (!status) return null;
  if (status === "expired") return { status, votes: [], decidedAt: expiresAt + r.int(5, 1500) };
  const delay = Math.round(Math.min(lastVote, Math.max(15_000, r.lognormal(240_000, 1.1))));
  const votes: { at: number; user: Approver; vote: "APPROVE" | "REJECT"; comment: string }[] = [];
  const used = new Set<string>();
  if (status === "approved") {
    const times = Array.from({ length: quorum }, (_, i) => (i === quorum - 1 ? t + delay : t + 15_000 + Math.round(r.next() * (delay - 15_000)))).sort((x, y) => x - y);
    for (const at of times) {
      const user = weightedApprover(r, nonOwners, used)!;
      used.add(user.id);
      votes.push({ at, user, vote: "APPROVE", comment: r.pick(APPROVE_COMMENTS) });
    }
  } else {
    const user = weightedApprover(r, c.approvers, used)!;
    votes.push({ at: t + delay, user, vote: "REJECT", comment: r.pick(REJECT_COMMENTS) });
  }
  return { status, votes, decidedAt: votes[votes.length - 1]!.at + 1 };
}

// ── the load ─────────────────────────────────────────────────────────────────────────────────

const ACTION_COPY = `COPY actions (id, agent_id, cohort, action, resource, input, context, idempotency_key, request_hash, decision, status, reasons, shadow, policy_versions, quorum, expires_at, decided_at, result_status, result_output, result_error, result_at, flags, created_at, pii_markers) FROM STDIN`;
const APPROVAL_COPY = `COPY approvals (id, action_id, user_id, vote, comment, created_at) FROM STDIN`;
const AUDIT_COPY = `COPY audit_events (seq, at, actor, kind, subject, agent_id, cohort, data, chain, chain_seq, prev_hash, hash) FROM STDIN`;

type Head = { chain: number; chain_seq: number; hash: string };

/** Chains the events (already in `at` order) round-robin over the held heads, as COPY text. */
function* auditLines(events: PendingEvent[], seqs: number[], heads: Head[], firstChain: number): Generator<string> {
  let buf = "";
  for (let i = 0; i < events.length; i++) {
    const e = events[i]!;
    const head = heads[(firstChain + i) % heads.length]!;
    const seq = seqs[i]!;
    const at = new Date(e.at);
    const chainSeq = Number(head.chain_seq) + 1;
    // What is hashed is the JSON round trip of data, exactly what jsonb will give back.
    const hash = eventHash({ seq, at, actor: e.actor, kind: e.kind, subject: e.subject, agentId: e.agentId, cohort: e.cohort, data: JSON.parse(e.data), chain: head.chain, chainSeq, prevHash: head.hash });
    buf += `${seq}\t${at.toISOString()}\t${esc(e.actor)}\t${esc(e.kind)}\t${esc(e.subject)}\t${opt(e.agentId)}\t${opt(e.cohort)}\t${esc(e.data)}\t${head.chain}\t${chainSeq}\t${head.hash}\t${hash}\n`;
    head.chain_seq = chainSeq;
    head.hash = hash;
    if (buf.length >= FLUSH_CHARS) {
      yield buf;
      buf = "";
    }
  }
  if (buf) yield buf;
}

async function ensureAgents(want: number, log: (msg: string) => void): Promise<number> {
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

async function loadAgents(r: Rng): Promise<{ agents: SeedAgent[]; ignored: string[] }> {
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

/** Fills the database with `events` governed actions over the last `days` days, and their audit trail. */
export async function seedVolume(opts: VolumeOptions): Promise<VolumeResult> {
  const started = Date.now();
  const total = opts.events;
  if (!Number.isSafeInteger(total) || total < 1) throw new Error("events must be a positive whole number");
  const days = opts.days ?? 30;
  if (!(days > 0)) throw new Error("days must be positive");
  const chunkSize = Math.max(1, Math.floor(opts.chunkSize ?? DEFAULT_CHUNK));
  const log = opts.log ?? (() => undefined);
  const seed = opts.seed ?? randomBytes(4).readUInt32BE(0);
  const r = new Rng(seed);
  const to = Date.now();
  const from = to - Math.round(days * DAY);

  await ensureAgents(opts.agents ?? 60, log);
  const { agents, ignored } = await loadAgents(r);
  if (!agents.length) throw new Error(`no agents in the cohorts ${SEED_COHORTS.join(", ")}`);
  if (ignored.length) log(`no traffic profile for ${ignored.length} agent(s) in other cohorts: ${ignored.slice(0, 5).join(", ")}${ignored.length > 5 ? ", …" : ""}`);
  const policies = await activePolicies();
  const { rows: approverRows } = await pool().query<{ id: string; email: string; role: string }>(
    `SELECT id, email, role FROM users WHERE disabled_at IS NULL AND role IN ('APPROVER', 'ADMIN') ORDER BY created_at, id`,
  );
  const approvers = approverRows.map((u) => ({ id: u.id, email: u.email, weight: u.role === "APPROVER" ? 3 : 1 }));
  if (!approvers.length) log("no approver or admin users: pending actions will all have expired");

  const redact = opts.redact ?? ((_root, v) => v);
  const plain = (): SeedRedactor => ({ document: redact, text: (v) => v, resource: (v) => v, redactions: [], markers: [] });
  const c: Context = { r, pre: policies.pre, post: policies.post, approvers, redactor: opts.redactor ?? plain, traffic: makeTraffic(r), to, ord: 0 };

  // Which agents can be denied or held for approval by the policies in place (tried, not guessed).
  const probeAt = to - DAY / 2;
  for (const a of agents) {
    for (let i = 0; i < 12; i++) {
      const d = evaluatePolicies(c.pre, evalInput(a, c.traffic[a.cohort](a, "deny", probeAt), probeAt)).decision;
      const p = evaluatePolicies(c.pre, evalInput(a, c.traffic[a.cohort](a, "approval", probeAt), probeAt)).decision;
      a.canDeny ||= d === "deny";
      a.canApprove ||= p === "pending";
    }
  }
  if (!agents.some((a) => a.canDeny)) log("no policy denies any generated request: there will be no denied actions");
  if (!agents.some((a) => a.canApprove)) log("no policy holds any generated request for approval: there will be no approved, rejected or expired actions");

  const buckets = planBuckets(r, agents, from, to - 5000, total);
  log(`seeding ${total.toLocaleString("en")} actions over ${days} day(s) across ${agents.length} agents (seed ${seed}), ${chunkSize.toLocaleString("en")} per transaction`);

  // Actions in time order, bucket by bucket.
  function* actions(): Generator<Built> {
    for (const b of buckets) {
      if (!b.count) continue;
      const mid = (b.start + b.end) / 2;
      const w = (a: SeedAgent) => a.zipf * activity(mid, a.place.tz);
      const pickers: Record<Intent, Picker> = { allow: picker(agents, w), deny: picker(agents, (a) => (a.canDeny ? w(a) : 0)), approval: picker(agents, (a) => (a.canApprove ? w(a) * a.approvalBias : 0)) };
      const times = new Float64Array(b.count);
      for (let i = 0; i < b.count; i++) times[i] = b.start + Math.floor(r.next() * (b.end - b.start));
      times.sort();
      for (const t of times) yield buildAction(c, t, pickers);
    }
  }

  const partitions = (await pool().query<{ fn: string | null }>(`SELECT to_regprocedure('audit_ensure_partitions(timestamptz, timestamptz)')::text AS fn`)).rows[0]?.fn;
  if (partitions) await pool().query(`SELECT audit_ensure_partitions($1, $2)`, [new Date(from), new Date(to)]);

  // Two chunks in flight on two connections, each its own transaction: while one chunk's
  // audit events are hashed and loaded (holding the chain heads), the next chunk's actions are
  // generated and loaded; it takes the heads once the previous chunk has committed.
  const source = actions();
  let carry: PendingEvent[] = [];
  let generated = 0;
  let written = 0;
  let auditEvents = 0;
  let nextChain = 0;
  const statusCount: Record<string, number> = {};

  /** Opens a chunk's transaction and loads its actions and approvals; returns its settled events. */
  async function loadActions(): Promise<{ client: pg.PoolClient; n: number; emit: PendingEvent[] }> {
    const client = await pool().connect();
    try {
      await client.query("BEGIN");
      const events: PendingEvent[] = carry;
      const approvals: string[] = [];
      let lastAt = -Infinity;
      let n = 0;
      const want = Math.min(chunkSize, total - generated);
      const lines = function* (): Generator<string> {
        let buf = "";
        while (n < want) {
          const next = source.next();
          if (next.done) break;
          const b = next.value;
          n++;
          buf += b.row;
          for (const e of b.events) events.push(e);
          for (const a of b.approvals) approvals.push(a);
          statusCount[b.status] = (statusCount[b.status] ?? 0) + 1;
          lastAt = b.at;
          if (buf.length >= FLUSH_CHARS) {
            yield buf;
            buf = "";
          }
        }
        if (buf) yield buf;
      };
      await copyIn(client, ACTION_COPY, lines());
      if (n === 0) throw new Error("the action generator ran dry before the requested count");
      if (approvals.length) await copyIn(client, APPROVAL_COPY, [approvals.join("")]);
      generated += n;
      // Events up to this chunk's last action are final; later ones (results, votes, expiries
      // still to come) wait for the next chunk, so the log stays in time order.
      events.sort((x, y) => x.at - y.at || x.ord - y.ord);
      let cut = events.length;
      if (generated < total) {
        cut = 0;
        while (cut < events.length && events[cut]!.at <= lastAt) cut++;
      }
      carry = events.slice(cut);
      return { client, n, emit: events.slice(0, cut) };
    } catch (err) {
      await client.query("ROLLBACK").catch(() => undefined);
      client.release(true);
      throw err;
    }
  }

  /** Chains and loads a chunk's events under all 16 head locks, then commits the chunk. */
  async function loadEvents(chunk: { client: pg.PoolClient; n: number; emit: PendingEvent[] }, previous: Promise<void> | null): Promise<void> {
    const { client, n, emit } = chunk;
    let broken = false;
    try {
      if (previous) await previous;
      if (emit.length) {
        // Every chain head, so no other writer interleaves with the chunk.
        const heads = (await client.query<Head>(`SELECT chain, chain_seq, hash FROM audit_chain_heads ORDER BY chain FOR UPDATE`)).rows;
        if (heads.length !== AUDIT_CHAINS) throw new Error(`expected ${AUDIT_CHAINS} audit chain heads, found ${heads.length}: run the migrations`);
        const seqs = (await client.query<{ seq: number }>(reserveSeqsSql(emit.length))).rows.map((s) => Number(s.seq)).sort((x, y) => x - y);
        await copyIn(client, AUDIT_COPY, auditLines(emit, seqs, heads, nextChain));
        nextChain = (nextChain + emit.length) % AUDIT_CHAINS;
        await client.query(
          `UPDATE audit_chain_heads h SET chain_seq = v.chain_seq, hash = v.hash
             FROM unnest($1::int[], $2::bigint[], $3::text[]) AS v(chain, chain_seq, hash) WHERE h.chain = v.chain`,
          [heads.map((h) => h.chain), heads.map((h) => h.chain_seq), heads.map((h) => h.hash)],
        );
      }
      await client.query("COMMIT");
      written += n;
      auditEvents += emit.length;
      const secs = (Date.now() - started) / 1000;
      log(
        `${written.toLocaleString("en")} / ${total.toLocaleString("en")} actions, ${auditEvents.toLocaleString("en")} audit events — ` +
          `${Math.round(written / secs).toLocaleString("en")} actions/s, ${Math.round((written + auditEvents) / secs).toLocaleString("en")} rows/s`,
      );
    } catch (err) {
      broken = true;
      await client.query("ROLLBACK").catch(() => undefined);
      throw err;
    } finally {
      client.release(broken);
    }
  }

  let inFlight: Promise<void> | null = null;
  try {
    while (generated < total) {
      const chunk = await loadActions();
      const previous: Promise<void> | null = inFlight;
      inFlight = loadEvents(chunk, previous);
      inFlight.catch(() => undefined); // awaited below or by the next chunk
      if (previous) await previous;
    }
    if (inFlight) await inFlight;
  } catch (err) {
    if (inFlight) await inFlight.catch(() => undefined); // let the other transaction roll back
    throw err;
  }

  await pool().query(`ANALYZE actions, audit_events, approvals`);
  const mix = Object.entries(statusCount)
    .sort((x, y) => y[1] - x[1])
    .map(([s, k]) => `${s} ${((100 * k) / written).toFixed(1)}%`)
    .join(", ");
  log(`status mix: ${mix}`);
  return { actions: written, auditEvents, agents: agents.length, from: new Date(from), to: new Date(to), ms: Date.now() - started };
}
