import { describe, expect, it } from "vitest";
import { PublishedSet, type LoadedRecord } from "../../lib/knowledge/index.ts";
import { compileCondition, compilePolicy, containsAnyPhrase, evaluatePolicies, normalizeText, policySpecSchema } from "../../lib/policies/index.ts";

const DAY = 86_400_000;
const now = Date.parse("2026-11-30T12:00:00Z");
const rec = (key: string, value: unknown, over: Partial<LoadedRecord> = {}): [string, LoadedRecord] => [key, { key, value, source: "s", proposedBy: "e", approvedBy: "a", publishedAt: now - DAY, effectiveFrom: null, expiresAt: null, since: 1, ...over }];
const floors = new PublishedSet({ id: "ks1", name: "price-floors", maxAgeDays: 30, readers: [] }, 4, now, new Map([
  rec("A", { floor: 100 }),
  rec("OLD", { floor: 10 }, { publishedAt: now - 31 * DAY }),
  rec("LATER", { floor: 10 }, { effectiveFrom: now + DAY }),
]));
const brands = new PublishedSet({ id: "ks2", name: "competitors", maxAgeDays: null, readers: [] }, 2, now, new Map([rec("Zara", {}), rec("H&M", {})]));
const knowledge = new Map<string, PublishedSet | string>([["price-floors", floors], ["competitors", brands]]);
const agent = { id: "a", name: "n", cohort: "c", owner: "o", riskTier: "low" };

function decide(condition: string, input: Record<string, unknown>, k: ReadonlyMap<string, PublishedSet | string> = knowledge) {
  const p = compilePolicy({ policyId: "p", versionId: "v", version: 1, spec: policySpecSchema.parse({ name: "pp", effect: "deny", condition }) });
  return evaluatePolicies([p], { agent, action: "x", resource: "", input, context: {}, now: new Date(now), knowledge: k });
}

describe("normalize() and containsAny()", () => {
  it("folds compatibility forms, case and default-ignorables (NFKC_Casefold)", () => {
    expect(normalizeText("ＺＡＲＡ")).toBe("zara");
    expect(normalizeText("Stra\u00DFe")).toBe("strasse");
    expect(normalizeText("Herme\u0300s")).toBe(normalizeText("Hermès"));
    expect(normalizeText("Z\u200Bar\u00ADa")).toBe("zara");
    expect(normalizeText("ﬁne")).toBe("fine");
  });
  it("matches whole words and phrases, not parts of words", () => {
    expect(containsAnyPhrase("Pair it with a Ｚａｒａ blazer", ["zara"])).toBe(true);
    expect(containsAnyPhrase("a trip to the bazaar", ["zara"])).toBe(false);
    expect(containsAnyPhrase("MASSIMO  DUTTI coat", ["Massimo Dutti"])).toBe(true);
    expect(containsAnyPhrase("massimo's dutti", ["Massimo Dutti"])).toBe(false);
    expect(containsAnyPhrase("get it at h&m", new Map([["H&M", {}]]))).toBe(true);
    expect(() => containsAnyPhrase("x", [1])).toThrow(/list of strings/);
  });
});

describe("CEL data[…]", () => {
  it("finds the sets a condition reads when it compiles, and refuses computed or bare uses of data", () => {
    const c = compileCondition(`input.sku in data["price-floors"] && containsAny(input.t, data.competitors)`, "pre");
    expect(c.ok && c.knowledgeSets).toEqual(["competitors", "price-floors"]);
    for (const bad of ["data[input.set].x == 1", "size(data) > 0", "has(data.competitors.Zara)"]) expect(compileCondition(bad, "pre").ok, bad).toBe(false);
  });
  it("looks up one record, records the version, and fails closed on a stale or not-yet-effective record naming it", () => {
    const cond = `input.sku in data["price-floors"] && input.price < data["price-floors"][input.sku].floor`;
    expect(decide(cond, { sku: "A", price: 90 })).toMatchObject({ decision: "deny", knowledge: [{ set: "price-floors", version: 4 }] });
    expect(decide(cond, { sku: "A", price: 110 }).decision).toBe("allow");
    expect(decide(cond, { sku: "NONE", price: 1 }).decision).toBe("allow");
    const old = decide(cond, { sku: "OLD", price: 50 });
    expect(old.decision).toBe("deny");
    expect(old.reasons[0]!.message).toMatch(/knowledge record price-floors\/OLD \(v4\) is stale: last updated 2026-10-30, older than the set's 30 days/);
    expect(decide(cond, { sku: "LATER", price: 50 }).reasons[0]!.message).toMatch(/price-floors\/LATER \(v4\) is not in force until 2026-12-01T12:00:00Z/);
  });
  it("reads a whole set only when the condition uses it whole, and then any unusable record fails it", () => {
    expect(decide(`containsAny(input.t, data.competitors)`, { t: "buy ＺＡＲＡ" }).decision).toBe("deny");
    expect(decide(`containsAny(input.t, data.competitors)`, { t: "our silk" }).decision).toBe("allow");
    expect(decide(`size(data["price-floors"]) > 100`, {}).reasons[0]!.message).toMatch(/price-floors\/(OLD|LATER)/);
  });
  it("fails closed when a set has no published version or wasn't loaded", () => {
    expect(decide(`"Zara" in data.competitors`, {}, new Map([["competitors", "has no published version"]])).reasons[0]!.message).toMatch(/knowledge set competitors has no published version/);
    expect(decide(`"Zara" in data.competitors`, {}, new Map()).decision).toBe("deny");
  });
});
