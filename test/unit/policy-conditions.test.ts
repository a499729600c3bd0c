import { describe, expect, it } from "vitest";
import { WardenError } from "../../lib/http/errors.ts";
import { compileCondition, overBudget, runCondition } from "../../lib/policies/cel.ts";
import { RE2JS } from "re2js";
import { COST_BUDGET, MAX_DATA_CHARS } from "../../lib/policies/cost.ts";
import { programSize } from "../../lib/policies/regex.ts";
import { compilePolicy, evaluatePolicies } from "../../lib/policies/evaluate.ts";
import { policySpecSchema, type EvalInput } from "../../lib/policies/types.ts";
import { assertConditionCompiles } from "../../lib/policies/validate.ts";
import { runConditionOffThread } from "../support/run-condition-off-thread.ts";

function run(condition: string, vars: Record<string, unknown> = {}) {
  const c = compileCondition(condition, "pre");
  if (!c.ok) throw new Error(`does not compile: ${c.error.message}`);
  return runCondition(c.program, vars);
}

function refusal(condition: string): WardenError {
  try {
    assertConditionCompiles({ condition, stage: "pre" });
  } catch (err) {
    if (err instanceof WardenError) return err;
    throw err;
  }
  throw new Error(`expected ${condition} to be refused`);
}

/** cel.bind(v1, input.s + input.s, cel.bind(v2, v1 + v1, … vN.size() > 0)) */
function doubling(levels: number): string {
  let body = `v${levels}.size() > 0`;
  for (let i = levels; i >= 1; i--) body = `cel.bind(v${i}, ${i === 1 ? "input.s + input.s" : `v${i - 1} + v${i - 1}`}, ${body})`;
  return body;
}

const sample = (input: Record<string, unknown>): EvalInput => ({
  agent: { id: "agt_1", name: "a", cohort: "c", owner: "o@example.com", riskTier: "low" },
  action: "x.y",
  resource: "",
  input,
  context: {},
  now: new Date(),
});

const denyPolicy = (condition: string) =>
  compilePolicy({ policyId: "pol_1", versionId: "pv_1", version: 1, spec: policySpecSchema.parse({ name: "guard", effect: "deny", condition, message: "guarded" }) });

describe("matches() runs on RE2 (linear time)", () => {
  it("evaluates the catastrophic (a+)+$ on 28 and on 10,000 characters, with the right answer", async () => {
    const cond = "input.s.matches('(a+)+$')";
    // A backtracking engine takes seconds at 28 characters and forever at 10,000: the worker's
    // deadline then fails the test instead of freezing the run.
    expect(await runConditionOffThread(cond, { input: { s: "a".repeat(28) + "!" } })).toEqual({ value: false });
    expect(await runConditionOffThread(cond, { input: { s: "a".repeat(10_000) + "!" } })).toEqual({ value: false });
    expect(await runConditionOffThread(cond, { input: { s: "b" + "a".repeat(10_000) } })).toEqual({ value: true });
    expect(await runConditionOffThread("input.s.matches('^(([a-z])+.)+[A-Z]([a-z])+$')", { input: { s: "a".repeat(10_000) + "!" } })).toEqual({ value: false });
    // Each worker loads the policy modules before it runs: the per-condition deadline above is
    // what bounds a hang, not vitest's default 5 s for the whole test.
  }, 120_000);

  it("has RE2 semantics: partial match, (?i) flags and \\z, also inside macros and for patterns from the data", () => {
    expect(run("'abcdef'.matches('cd')")).toEqual({ value: true });
    expect(run("'ABC'.matches('(?i)^abc$')")).toEqual({ value: true }); // a JavaScript RegExp refuses (?i)
    expect(run("'abc'.matches('c\\\\z') && !'cz'.matches('c\\\\z')")).toEqual({ value: true }); // JS reads \z as "z"
    expect(run("input.tags.exists(t, t.matches('(?i)^LUX-'))", { input: { tags: ["std-1", "lux-9"] } })).toEqual({ value: true });
    expect(run("input.s.matches(input.p)", { input: { s: "Hello", p: "(?i)hello" } })).toEqual({ value: true });
  });

  it("refuses a literal pattern that is not RE2 at compile time, saying where", () => {
    const c = compileCondition("input.sku.matches('[')", "pre");
    expect(c).toMatchObject({ ok: false, error: { position: 18, line: 1, column: 19 } });
    if (!c.ok) expect(c.error.message).toMatch(/invalid regular expression "\[": missing closing \]/);
    for (const notRe2 of ["(?=a)b", "(a)\\\\1", "a{1001}", "a**"]) {
      expect(compileCondition(`input.s.matches('${notRe2}')`, "pre").ok, notRe2).toBe(false);
    }
    const err = refusal("input.s.size() > 0 &&\n  input.s.matches('(')");
    expect(err).toMatchObject({ kind: "invalid", code: "invalid_condition", details: { line: 2, column: 19 } });
  });

  it("fails closed on a pattern from the data that RE2 refuses or that is too long", () => {
    expect(run("input.s.matches(input.p)", { input: { s: "x", p: "[" } })).toMatchObject({ error: expect.stringMatching(/missing closing \]/) });
    expect(run("input.s.matches(input.p)", { input: { s: "x", p: "x".repeat(600) } })).toMatchObject({ error: expect.stringMatching(/longer than 512/) });
    const ev = evaluatePolicies([denyPolicy("input.s.matches(input.p)")], sample({ s: "x", p: "(?<=x)" }));
    expect(ev.decision).toBe("deny");
    expect(ev.reasons[0]!.message).toMatch(/fail closed/);
  });
});

describe("a condition's cost is bounded (input size × expression)", () => {
  it("accepts everyday conditions and a single pass over the data", () => {
    for (const ok of [
      "'flagship' in input.tags && input.price < 100.0",
      "input.items.exists(i, i.price > 100.0 && i.sku.startsWith('LUX') && i.qty < 5.0)",
      "input.lines.map(l, l.amount).exists(a, a > 1000.0)",
      "input.s.matches('(a+)+$')",
    ]) {
      expect(() => assertConditionCompiles({ condition: ok, stage: "pre" }), ok).not.toThrow();
    }
  });

  it("refuses at save a condition whose cost on the largest data is over the budget", () => {
    for (const expensive of [
      "input.items.exists(i, input.items.exists(j, i != j && i.sku == j.sku))", // quadratic in the data
      doubling(12), // a string 4,096 times the data
    ]) {
      const err = refusal(expensive);
      expect(err.code).toBe("condition_too_expensive");
      expect(err.kind).toBe("invalid");
      expect(err.details).toMatchObject({ budget: COST_BUDGET, maxDataChars: MAX_DATA_CHARS });
      expect((err.details as { cost: number }).cost).toBeGreaterThan(COST_BUDGET);
    }
  });

  it("charges matches() by the size of the compiled RE2 program, not the pattern's length", () => {
    // 19 characters, but the repetitions multiply: RE2 compiles it to 903 instructions.
    const heavy = "(?:a?){300}a{300}\\d";
    const light = "a{3}\\d";
    expect(RE2JS.compile(heavy).programSize()).toBe(903);
    expect(programSize(heavy)).toBe(903);
    const matches = (field: string, pattern: string) => `input.${field}.matches('${pattern.replaceAll("\\", "\\\\")}')`;
    const cost = (pattern: string) => {
      const c = compileCondition(matches("s", pattern), "pre");
      if (!c.ok) throw new Error(c.error.message);
      return c.cost;
    };
    // Per character of the largest data: 1 + instructions / 64 units.
    expect(cost(heavy) - cost(light)).toBeCloseTo((MAX_DATA_CHARS * (903 - programSize(light))) / 64, -1);
    // Three such patterns over the data are over the budget; guessed from their length (84
    // instructions each) they were estimated at a fifth of it.
    expect(refusal([matches("a", heavy), matches("b", heavy), matches("c", heavy)].join(" || ")).code).toBe("condition_too_expensive");
    expect(() => assertConditionCompiles({ condition: `${matches("a", heavy)} || ${matches("b", light)}`, stage: "pre" })).not.toThrow();
  });

  it("refuses a pattern whose compiled program is over 1,024 instructions, however short it is written", () => {
    expect(compileCondition("input.s.matches('(a{30}){30}')", "pre").ok).toBe(true); // 962
    expect(RE2JS.compile("(?:a?){400}a{400}").programSize()).toBeGreaterThan(1024);
    const c = compileCondition("input.s.matches('(?:a?){400}a{400}')", "pre");
    expect(c.ok).toBe(false);
    if (!c.ok) expect(c.error.message).toMatch(/pattern too large \(\d+ RE2 instructions; at most 1024\)/);
  });

  it("at run time fails closed, saying why, when the data is too long for the condition's budget", () => {
    // A stored condition from before the budget: it still runs on small data, not on large.
    const quadratic = "input.items.exists(i, input.items.exists(j, i == j + 1.0))";
    const c = compileCondition(quadratic, "pre");
    expect(c.ok && overBudget(c)).toBeTruthy();
    const policy = denyPolicy(quadratic);
    expect(evaluatePolicies([policy], sample({ items: [1, 3, 5] })).decision).toBe("allow");
    const big = evaluatePolicies([policy], sample({ items: Array.from({ length: 20_000 }, (_, i) => i * 2) }));
    expect(big.decision).toBe("deny");
    expect(big.reasons[0]!.message).toMatch(/over this condition's cost budget.*fail closed/);
    expect(big.evaluated[0]).toMatchObject({ matched: true, error: expect.stringMatching(/cost budget/) });
    // And any condition, on data longer than any request can carry.
    const huge = evaluatePolicies([denyPolicy("input.n > 1.0")], sample({ s: "x".repeat(MAX_DATA_CHARS) }));
    expect(huge.decision).toBe("deny");
  });
});
