import type { CohortName, SeedAgent } from "./estate.ts";
import type { Rng } from "./rng.ts";

const DAY = 86_400_000;
const HOUR = 3_600_000;

/** What each cohort asks for (after scripts/demo-agents.ts), and when (business-hours seasonality). */

export type Intent = "allow" | "deny" | "approval";
export type Plan = {
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

export function makeTraffic(r: Rng): Record<CohortName, (a: SeedAgent, intent: Intent, at: number) => Plan> {
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

// ── time: business-hours seasonality ──

// Relative activity by local hour of day.
const ACTIVITY = [0.12, 0.08, 0.06, 0.05, 0.05, 0.08, 0.2, 0.45, 0.8, 1, 1, 0.95, 0.85, 0.95, 1, 1, 0.95, 0.85, 0.65, 0.5, 0.4, 0.32, 0.25, 0.18];

export function activity(ms: number, tz: number): number {
  const local = new Date(ms + tz * HOUR);
  const dow = local.getUTCDay();
  return ACTIVITY[local.getUTCHours()]! * (dow === 0 || dow === 6 ? 0.55 : 1);
}

export type Bucket = { start: number; end: number; count: number };

export function planBuckets(r: Rng, agents: SeedAgent[], from: number, end: number, total: number): Bucket[] {
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

export type Picker = { agents: SeedAgent[]; cumulative: Float64Array } | null;

export function picker(agents: SeedAgent[], weight: (a: SeedAgent) => number): Picker {
  const chosen = agents.filter((a) => weight(a) > 0);
  if (!chosen.length) return null;
  const cumulative = new Float64Array(chosen.length);
  let sum = 0;
  chosen.forEach((a, i) => (cumulative[i] = sum += weight(a)));
  return { agents: chosen, cumulative };
}

export function pickAgent(r: Rng, p: NonNullable<Picker>): SeedAgent {
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
