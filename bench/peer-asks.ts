// The requests bench/peer.ts sends (through bench/load-worker.ts), and how they read as Cerbos
// CheckResources calls and answers. Kept free of Warden's modules: the load generator loads it.

const skus = Array.from({ length: 500 }, (_, i) => `LUX-${String(i).padStart(4, "0")}`);

export type Ask = { action: string; resource: string; input: Record<string, unknown>; context?: Record<string, unknown> };

/** bench/peer.ts's mix: price changes, reorders (some of archived SKUs), refunds, contacts carrying PII. */
export function peerAsk(n: number): Ask {
  const kind = n % 4;
  // The values come from a scrambled n, so a short run sees the same mix of decisions as a long one.
  const i = (Math.imul(n, 2654435761) >>> 0) % 1_000_003;
  const sku = skus[i % 500]!;
  if (kind === 0) {
    const current = 80 + (i % 400);
    const price = Math.round(current * (0.45 + (i % 110) / 100) * 100) / 100;
    return { action: "pricing.set_price", resource: `sku:${sku}`, input: { sku, currentPrice: current, price, currency: i % 29 === 0 ? "CHF" : "EUR", tags: [i % 7 === 0 ? "flagship" : "core"] } };
  }
  if (kind === 1) return { action: "inventory.reorder", resource: `sku:${i % 23 === 0 ? "ARC-" : ""}${sku}`, input: { sku, store: i % 31 === 0 ? "closed-12" : `store-${i % 40}`, units: (i % 90) * 13, unitCost: 42.5 } };
  if (kind === 2) return { action: "orders.refund", resource: `order:${100000 + i}`, input: { orderId: `${100000 + i}`, amount: (i % 700) + 0.99, currency: "EUR", reason: i % 5 === 0 ? "goodwill" : "damaged" }, context: { channel: "chat", fraudScore: (i % 100) / 100 } };
  const c = i % 1000;
  return { action: "customers.contact", resource: `customer:${c}`, input: { customerId: `c-${c}`, email: `client${c}@maison.example`, phone: `+33 6 12 34 ${String(c % 100).padStart(2, "0")} 78`, message: "Your order is ready for pick-up" }, context: { consent: i % 9 !== 0 } };
}

/** The ask as a Cerbos CheckResources body (attr = input + context; the principal as Warden knows the agent). */
export function cerbosBody(a: Ask, p: { id: string; cohort: string; riskTier: string }, i: number): string {
  const [kind, action] = a.action.split(".") as [string, string];
  return JSON.stringify({ requestId: String(i), principal: { id: p.id, roles: ["agent"], attr: { cohort: p.cohort, riskTier: p.riskTier } }, resources: [{ actions: [action], resource: { kind, id: a.resource, attr: { ...a.input, context: a.context ?? {} } } }] });
}

type CerbosAnswer = { results: { actions: Record<string, string>; outputs?: { val: unknown }[] }[] };
/** allow / deny / pending (an allow whose output asks for approval), as Warden answers. */
export function cerbosDecision(raw: string): string {
  const r = (JSON.parse(raw) as CerbosAnswer).results[0]!;
  if (Object.values(r.actions).some((e) => e !== "EFFECT_ALLOW")) return "deny";
  return r.outputs?.some((o) => typeof o.val === "string" && o.val.startsWith("require_approval:")) ? "pending" : "allow";
}

