import { describe, expect, it } from "vitest";
import { findAnomalies } from "../../lib/anomalies/index.ts";
import { breakerSpecSchema } from "../../lib/breakers/index.ts";
import { microsToNumeric, numericToMicros, toMicros } from "../../lib/budgets/index.ts";
import { globCovers, isGranted, wideningOf } from "../../lib/grants/index.ts";
import { bucketStart, bucketsIn, metricValue, resourceKind, zeroCounters } from "../../lib/signals/index.ts";

describe("grant globs", () => {
  it("match actions and resources with * as any run of characters", () => {
    const caps = [{ action: "pricing.set_price", resources: ["sku:LUX-*"] }, { action: "pricing.read_*" }];
    expect(isGranted(caps, "pricing.set_price", "sku:LUX-001")).toBe(true);
    expect(isGranted(caps, "pricing.set_price", "sku:LUX-")).toBe(true);
    expect(isGranted(caps, "pricing.set_price", "sku:CORE-1")).toBe(false);
    expect(isGranted(caps, "pricing.set_price", "")).toBe(false);
    expect(isGranted(caps, "pricing.read_feed", "")).toBe(true);
    expect(isGranted(caps, "pricing.read", "")).toBe(false);
    expect(isGranted(caps, "pricingXset_price", "sku:LUX-1")).toBe(false); // "." is literal
    expect(isGranted(null, "anything", "at:all")).toBe(true);
    expect(isGranted([], "anything", "")).toBe(false);
    expect(isGranted([{ action: "*", resources: ["a(b)*"] }], "x", "a(b)c")).toBe(true); // regex characters are literal
  });

  it("tell a widening from a narrowing", () => {
    expect(globCovers("orders.*", "orders.refund")).toBe(true);
    expect(globCovers("orders.*", "orders.re*")).toBe(true);
    expect(globCovers("orders.re*", "orders.*")).toBe(false);
    expect(globCovers("*", "*")).toBe(true);
    expect(globCovers("a*c", "abc")).toBe(true);
    expect(globCovers("a*c", "a*b")).toBe(false);
    const before = [{ action: "orders.*", resources: ["order:EU-*"] }];
    expect(wideningOf(before, [{ action: "orders.refund", resources: ["order:EU-1*"] }])).toEqual({ widens: false, added: [] });
    expect(wideningOf(before, [{ action: "orders.refund" }])).toEqual({ widens: true, added: [{ action: "orders.refund" }] });
    expect(wideningOf(before, [{ action: "orders.refund", resources: ["order:US-*"] }]).widens).toBe(true);
    expect(wideningOf(before, null)).toEqual({ widens: true, added: "everything" });
    expect(wideningOf(null, [])).toEqual({ widens: false, added: [] });
    expect(wideningOf([], [])).toEqual({ widens: false, added: [] });
  });
});

describe("signals", () => {
  it("bucket time by 10 seconds; a window spans whole buckets", () => {
    expect(bucketStart(new Date("2026-11-29T10:00:19.999Z")).toISOString()).toBe("2026-11-29T10:00:10.000Z");
    expect([bucketsIn(300), bucketsIn(5), bucketsIn(61)]).toEqual([30, 1, 7]);
  });
  it("define each metric on the counters", () => {
    const c = { ...zeroCounters(), decisions: 20, allowed: 10, denied: 6, escalated: 4, approved: 1, rejected: 3, results: 8, failed: 2, flagged: 1, distinctResources: 7 };
    expect(metricValue("deny_rate", c)).toEqual({ value: 0.3, samples: 20 });
    expect(metricValue("escalation_rate", c)).toEqual({ value: 0.2, samples: 20 });
    expect(metricValue("rejection_rate", c)).toEqual({ value: 0.75, samples: 4 });
    expect(metricValue("failure_rate", c)).toEqual({ value: 0.25, samples: 8 });
    expect(metricValue("flag_rate", c)).toEqual({ value: 0.125, samples: 8 });
    expect(metricValue("action_rate", c)).toEqual({ value: 20, samples: 20 });
    expect(metricValue("distinct_resources", c)).toEqual({ value: 7, samples: 20 });
    expect(metricValue("deny_rate", zeroCounters())).toEqual({ value: 0, samples: 0 });
  });
  it("name a resource's kind by its prefix", () => {
    expect(["sku:LUX-1", "customer:C-1", "order", "", "[redacted:email:ab12]"].map(resourceKind)).toEqual(["sku", "customer", "", "", "redacted"]);
  });
});

describe("budget amounts", () => {
  it("are counted in millionths, exactly", () => {
    expect(toMicros(0.1) + toMicros(0.2)).toBe(toMicros(0.3));
    expect(numericToMicros("123.450000")).toBe(123_450_000n);
    expect(numericToMicros("-0.000001")).toBe(-1n);
    expect(microsToNumeric(1_234_567n)).toBe("1.234567");
    expect(microsToNumeric(-5n)).toBe("-0.000005");
  });
});

describe("breaker specs", () => {
  const base = { name: "pricing-deny-spike", scope: { cohort: "pricing" }, metric: "deny_rate", windowSeconds: 300, threshold: 0.2 };
  it("default what the contract leaves out", () => {
    expect(breakerSpecSchema.parse(base)).toMatchObject({ minSamples: 20, opens: "cohort", recovery: { mode: "manual" }, openOnAnomaly: false });
    expect(breakerSpecSchema.parse({ ...base, scope: { agent: "agt_abc" } }).opens).toBe("agent");
  });
  it("refuse thresholds out of range", () => {
    expect(breakerSpecSchema.safeParse({ ...base, threshold: 1 }).success).toBe(false);
    expect(breakerSpecSchema.safeParse({ ...base, threshold: 0 }).success).toBe(true);
    expect(breakerSpecSchema.safeParse({ ...base, metric: "action_rate", threshold: 500 }).success).toBe(true);
    expect(breakerSpecSchema.safeParse({ ...base, metric: "action_rate", threshold: 0.5 }).success).toBe(false);
  });
});

describe("anomaly rules", () => {
  const hour = new Date("2026-11-29T10:00:00Z");
  const settings = { factor: 5, minVolume: 50, minHistoryHours: 24 };
  const usage = (over: Partial<{ firstHour: Date | null; actions: [string, number][]; kinds: [string, number][]; pii: number; p99: number; piiP99: number }> = {}) => ({
    agentId: "agt_1",
    firstHour: over.firstHour === undefined ? new Date(hour.getTime() - 100 * 3_600_000) : over.firstHour,
    current: { actions: new Map(over.actions ?? [["orders.refund", 30]]), kinds: new Map(over.kinds ?? [["order", 30]]), pii: over.pii ?? 0 },
    baseline: { actions: new Set(["orders.refund"]), kinds: new Set(["order"]), kindP99: new Map([["order", over.p99 ?? 35]]), piiP99: over.piiP99 ?? 3 },
  });
  it("stay quiet on normal traffic and on agents without enough history", () => {
    expect(findAnomalies(usage(), hour, settings)).toEqual([]);
    expect(findAnomalies(usage({ actions: [["customers.export", 1]], firstHour: new Date(hour.getTime() - 3_600_000) }), hour, settings)).toEqual([]);
    expect(findAnomalies(usage({ kinds: [["order", 175]] }), hour, settings)).toEqual([]); // exactly 5×: not above
  });
  it("fire above factor × p99 with the minimum volume", () => {
    expect(findAnomalies(usage({ kinds: [["order", 176]] }), hour, settings).map((f) => f.kind)).toEqual(["records_per_hour"]);
    expect(findAnomalies(usage({ pii: 51, piiP99: 0 }), hour, settings).map((f) => f.explanation)).toEqual(["sent 51 requests carrying personal data this hour; its 7-day hourly p99 is 0"]);
  });
});
