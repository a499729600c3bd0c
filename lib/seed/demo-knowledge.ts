import { approveDraft, createKnowledgeSet, draftQuerySchema, proposeDraft, type Person } from "../knowledge/index.ts";

/**
 * The demo estate's knowledge: price floors per SKU (the pricing agents' SKUs LUX-0001…0480),
 * return windows per country, competitor brands and the brand voice — each proposed by the
 * demo editor and published by the demo approver, as the two-person rule wants.
 */

export const DEMO_COMPETITORS = ["Zara", "H&M", "Mango", "Uniqlo", "COS", "Massimo Dutti", "Sandro", "Maje", "Reiss", "Ralph Lauren", "Gucci", "Prada"];

/** The floor of a demo SKU (deterministic, so demo traffic and tests agree). */
export const demoFloor = (n: number) => 60 + ((n * 37) % 400);

export const DEMO_RETURN_DAYS: Record<string, number> = { FR: 30, DE: 30, IT: 30, ES: 30, NL: 30, GB: 28, US: 60, JP: 14 };

type SetSpec = { name: string; description: string; schema: Record<string, unknown>; readers: string[]; maxAgeDays: number | null; records: { key: string; value: unknown; source: string }[] };

export const DEMO_KNOWLEDGE: SetSpec[] = [
  {
    name: "price-floors",
    description: "Lowest price each SKU may be sold at, per the pricing committee.",
    schema: { type: "object", properties: { floor: { type: "number", minimum: 0 }, currency: { enum: ["EUR", "USD"] } }, required: ["floor", "currency"], additionalProperties: false },
    readers: ["pricing"],
    maxAgeDays: 90,
    records: Array.from({ length: 480 }, (_, i) => ({ key: `LUX-${String(i + 1).padStart(4, "0")}`, value: { floor: demoFloor(i + 1), currency: "EUR" }, source: "Pricing committee minutes 2026-11 (SharePoint: /pricing/floors-2026-11.xlsx)" })),
  },
  {
    name: "return-policy",
    description: "Return window and conditions per country, from the published terms of sale.",
    schema: { type: "object", properties: { days: { type: "integer", minimum: 0 }, conditions: { type: "string" } }, required: ["days"], additionalProperties: false },
    readers: ["customer-service", "stylist"],
    maxAgeDays: 365,
    records: Object.entries(DEMO_RETURN_DAYS).map(([key, days]) => ({ key, value: { days, conditions: "Unworn, with tags, in the original packaging" }, source: `https://maison.example/${key.toLowerCase()}/terms-of-sale#returns` })),
  },
  {
    name: "competitors",
    description: "Brands our agents never recommend.",
    schema: { type: "object", properties: { segment: { enum: ["fast-fashion", "premium", "luxury"] } }, additionalProperties: false },
    readers: ["stylist", "customer-service"],
    maxAgeDays: 180,
    records: DEMO_COMPETITORS.map((key, i) => ({ key, value: { segment: i < 5 ? "fast-fashion" : i < 10 ? "premium" : "luxury" }, source: "Brand team competitor list Q4" })),
  },
  {
    name: "brand-voice",
    description: "Phrases our agents never use, and disclosures they must make.",
    schema: { type: "object", properties: { phrases: { type: "array", items: { type: "string", minLength: 1 } } }, required: ["phrases"], additionalProperties: false },
    readers: ["stylist", "customer-service"],
    maxAgeDays: 365,
    records: [
      { key: "banned-phrases", value: { phrases: ["cheap", "knock-off", "dupe", "best price guaranteed", "no questions asked"] }, source: "Brand voice guide v7, p. 12" },
      { key: "required-disclosures", value: { phrases: ["prices include VAT"] }, source: "Brand voice guide v7, p. 14" },
    ],
  },
];

/** Policies that use the demo knowledge (created after the sets: a policy may only read a set that exists). */
export const DEMO_KNOWLEDGE_POLICIES = [
  {
    name: "price-below-approved-floor",
    description: "A price below the floor the pricing committee approved (knowledge set price-floors) is refused.",
    effect: "deny",
    target: { cohorts: ["pricing"], actions: ["pricing.set_price"] },
    condition: `input.sku in data["price-floors"] && input.price < data["price-floors"][input.sku].floor`,
    priority: 190,
    message: "Price below the approved floor (price-floors)",
  },
  {
    name: "return-window-grounding",
    description: "What customer service quotes as the return window must be the published one for the customer's country.",
    stage: "post",
    effect: "flag",
    target: { cohorts: ["customer-service"] },
    condition: `has(result.output.quotedReturnDays) && has(input.country) && input.country in data["return-policy"] && result.output.quotedReturnDays != data["return-policy"][input.country].days`,
    priority: 100,
    message: "Quoted a return window that isn't ours",
  },
  {
    name: "no-competitor-recommendations",
    description: "Stylists and customer service never recommend a competitor (names compared after Unicode normalisation).",
    stage: "post",
    effect: "flag",
    target: { cohorts: ["stylist", "customer-service"] },
    condition: `has(result.output.message) && containsAny(result.output.message, data.competitors)`,
    priority: 100,
    message: "Recommends a competitor brand",
  },
  {
    name: "brand-voice-banned-phrases",
    description: "Messages to clients never use a phrase the brand voice guide bans.",
    stage: "post",
    effect: "flag",
    target: { cohorts: ["stylist", "customer-service"] },
    condition: `has(result.output.message) && containsAny(result.output.message, data["brand-voice"]["banned-phrases"].phrases)`,
    priority: 90,
    message: "Uses a phrase the brand voice bans",
  },
] as const;

/** Creates and publishes the demo sets: proposed by `editor`, approved by `approver`. */
export async function seedDemoKnowledge(editor: Person, approver: Person): Promise<void> {
  for (const s of DEMO_KNOWLEDGE) {
    await createKnowledgeSet({ input: { name: s.name, description: s.description, schema: s.schema, readers: { cohorts: s.readers }, maxAgeDays: s.maxAgeDays, owner: "knowledge-team@maison.example" }, by: { userId: null, email: "system" } });
    const draft = await proposeDraft({ setName: s.name, by: editor, payload: { kind: "json", body: { upsert: s.records, note: "Initial load" } }, query: draftQuerySchema.parse({}) });
    await approveDraft({ setName: s.name, draftId: draft.id!, by: approver, comment: "Checked against the source documents" });
  }
}
