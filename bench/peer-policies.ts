// The policy set `npm run bench:peer` serves from Warden and from Cerbos: one table, each row a
// rule of a retail estate written once for each engine (both conditions are CEL), so the two
// engines evaluate the same conditions on the same requests and reach the same decisions.
// Warden's `require_approval` has no Cerbos counterpart: there it is an allow rule whose output
// says "require_approval:<message>" (the load generator counts such an answer as an escalation).
import { policySpecSchema, type PolicySpec } from "../lib/policies/index.ts";

type Rule = {
  name: string;
  /** Resource kind in Cerbos = the Warden action's first segment (orders.refund → orders/refund). */
  kind: "orders" | "pricing" | "inventory" | "customers";
  actions: string[];
  effect: "deny" | "require_approval";
  /** CEL over Warden's variables (input, context, agent, resource, now). */
  warden: string;
  /** The same in Cerbos's variables (R = request.resource.attr, P = request.principal.attr). */
  cerbos: string;
  message: string;
};

const R = "request.resource.attr";
const P = "request.principal.attr";

export const PEER_RULES: Rule[] = [
  // Refund limits
  { name: "refund-cap", kind: "orders", actions: ["refund"], effect: "deny", warden: "input.amount > 5000.0", cerbos: `${R}.amount > 5000.0`, message: "Refunds over 5,000 are never automatic" },
  { name: "refund-over-500", kind: "orders", actions: ["refund"], effect: "require_approval", warden: "input.amount > 500.0", cerbos: `${R}.amount > 500.0`, message: "Refunds over 500 need a person" },
  { name: "goodwill-over-100", kind: "orders", actions: ["refund"], effect: "require_approval", warden: "input.reason == 'goodwill' && input.amount > 100.0", cerbos: `${R}.reason == "goodwill" && ${R}.amount > 100.0`, message: "Goodwill gestures over 100" },
  { name: "high-risk-agent-refund", kind: "orders", actions: ["refund"], effect: "require_approval", warden: "agent.riskTier == 'high' && input.amount > 300.0", cerbos: `${P}.riskTier == "high" && ${R}.amount > 300.0`, message: "High-risk agents refund up to 300 alone" },
  { name: "fraud-risk", kind: "orders", actions: ["refund", "cancel"], effect: "deny", warden: "has(context.fraudScore) && context.fraudScore > 0.9", cerbos: `has(${R}.context.fraudScore) && ${R}.context.fraudScore > 0.9`, message: "Fraud risk" },
  // Price change bounds
  { name: "price-positive", kind: "pricing", actions: ["set_price"], effect: "deny", warden: "input.price <= 0.0", cerbos: `${R}.price <= 0.0`, message: "Prices must be positive" },
  { name: "currency-known", kind: "pricing", actions: ["set_price"], effect: "deny", warden: "!(input.currency in ['EUR', 'USD', 'GBP'])", cerbos: `!(${R}.currency in ["EUR", "USD", "GBP"])`, message: "Unknown currency" },
  { name: "cut-over-half", kind: "pricing", actions: ["set_price"], effect: "deny", warden: "input.price < input.currentPrice * 0.5", cerbos: `${R}.price < ${R}.currentPrice * 0.5`, message: "Price cuts over 50 % are refused" },
  { name: "cut-over-30", kind: "pricing", actions: ["set_price"], effect: "require_approval", warden: "input.price < input.currentPrice * 0.7", cerbos: `${R}.price < ${R}.currentPrice * 0.7`, message: "Price cuts over 30 % need a manager" },
  { name: "rise-over-40", kind: "pricing", actions: ["set_price"], effect: "require_approval", warden: "input.price > input.currentPrice * 1.4", cerbos: `${R}.price > ${R}.currentPrice * 1.4`, message: "Price rises over 40 % need a manager" },
  { name: "flagship-floor", kind: "pricing", actions: ["set_price"], effect: "deny", warden: "'flagship' in input.tags && input.price < 100.0", cerbos: `"flagship" in ${R}.tags && ${R}.price < 100.0`, message: "Flagship prices may not go below 100" },
  // Hours: no price changes in the nightly stock-take window (02:00–03:00 UTC)
  { name: "stocktake-window", kind: "pricing", actions: ["set_price"], effect: "deny", warden: "now.getHours() == 2", cerbos: "now().getHours() == 2", message: "No price changes during the nightly stock-take" },
  // Resource globs: archived SKUs (sku:ARC-*) and closed stores
  { name: "archived-sku", kind: "inventory", actions: ["reorder"], effect: "deny", warden: "resource.startsWith('sku:ARC-')", cerbos: `request.resource.id.startsWith("sku:ARC-")`, message: "Archived SKUs are never reordered" },
  { name: "closed-store", kind: "inventory", actions: ["reorder"], effect: "deny", warden: "input.store.startsWith('closed-')", cerbos: `${R}.store.startsWith("closed-")`, message: "The store is closed" },
  { name: "reorder-positive", kind: "inventory", actions: ["reorder"], effect: "deny", warden: "input.units <= 0.0", cerbos: `${R}.units <= 0.0`, message: "Units must be positive" },
  { name: "reorder-over-50k", kind: "inventory", actions: ["reorder"], effect: "require_approval", warden: "input.units * input.unitCost > 50000.0", cerbos: `${R}.units * ${R}.unitCost > 50000.0`, message: "Reorders over 50,000 need a buyer" },
  // PII: contact data leaves only with consent, and never in bulk
  { name: "pii-consent", kind: "customers", actions: ["export", "contact"], effect: "deny", warden: "(has(input.email) || has(input.phone)) && !(has(context.consent) && context.consent == true)", cerbos: `(has(${R}.email) || has(${R}.phone)) && !(has(${R}.context.consent) && ${R}.context.consent == true)`, message: "Contact data needs the customer's consent" },
  { name: "pii-bulk", kind: "customers", actions: ["export"], effect: "require_approval", warden: "input.records > 100.0", cerbos: `${R}.records > 100.0`, message: "Bulk exports of customer data need the DPO" },
];

/** The set as Warden policy specs (action targets `kind.action`). */
export function wardenPolicies(): PolicySpec[] {
  return PEER_RULES.map((r) =>
    policySpecSchema.parse({ name: r.name, effect: r.effect, target: { actions: r.actions.map((a) => `${r.kind}.${a}`) }, condition: r.warden, message: r.message, priority: r.effect === "deny" ? 200 : 100 }),
  );
}

/** The set as Cerbos resource policies, one file per kind: `{ file name: JSON (valid YAML) }`. */
export function cerbosPolicies(): Record<string, string> {
  const kinds = [...new Set(PEER_RULES.map((r) => r.kind))];
  return Object.fromEntries(
    kinds.map((kind) => {
      const rules = [
        // Everything not refused is allowed (Warden's default when no policy denies).
        { name: "agents-act", actions: ["*"], effect: "EFFECT_ALLOW", roles: ["agent"] },
        ...PEER_RULES.filter((r) => r.kind === kind).map((r) => ({
          name: r.name,
          actions: r.actions,
          roles: ["agent"],
          effect: r.effect === "deny" ? "EFFECT_DENY" : "EFFECT_ALLOW",
          condition: { match: { expr: r.cerbos } },
          ...(r.effect === "require_approval" ? { output: { when: { ruleActivated: JSON.stringify(`require_approval:${r.message}`) } } } : {}),
        })),
      ];
      return [`${kind}.yaml`, JSON.stringify({ apiVersion: "api.cerbos.dev/v1", resourcePolicy: { version: "default", resource: kind, rules } }, null, 1)];
    }),
  );
}
