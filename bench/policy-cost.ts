// `npm run bench:policy-cost`: what a condition's cost estimate (lib/policies/cost.ts) means
// in time. For conditions near the budget and a few everyday ones, prints the estimate on the
// largest data (160 KiB of JSON) and the time cel-js + RE2 take on data of that size built to
// make them work hardest; and the per-decision overhead of measuring the data. Prints figures;
// asserts nothing.
import { compileCondition, COST_BUDGET, dataChars, MAX_DATA_CHARS, runCondition } from "../lib/policies/index.ts";

const fill = (make: (i: number) => unknown, chars: number) => {
  const out: unknown[] = [];
  let n = 2;
  for (let i = 0; n < chars; i++) {
    const v = make(i);
    out.push(v);
    n += JSON.stringify(v).length + 1;
  }
  out.pop();
  return out;
};
const room = MAX_DATA_CHARS - 800; // leaves room for the agent, action and resource
/** `n` letters a or b, pseudo-random (xorshift32, fixed seed): no period a DFA could learn. */
const randomAb = (n: number) => {
  let x = 2463534242;
  let out = "";
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out += x & 1 ? "a" : "b";
  }
  return out;
};

const cases: { condition: string; input: Record<string, unknown> }[] = [
  { condition: "'flagship' in input.tags && input.price < 100.0", input: { price: 120, tags: fill(() => 0, room - 30) } },
  { condition: "input.s.matches('(a+)+$')", input: { s: "a".repeat(room - 10) + "!" } },
  { condition: "input.s.matches('[a-q][^u-z]{200}x')", input: { s: Array.from({ length: room - 10 }, (_, i) => "abcdefghijklmnopqrstuvwxyz"[(i * 7) % 26]).join("") } },
  // Programs much larger than their text (903 and 304 RE2 instructions). On random a/b text the
  // second keeps ~300 NFA threads alive: re2js's lazy DFA runs out of memory and falls back to
  // the NFA, whose work per character grows with the program.
  { condition: "input.s.matches('(?:a?){300}a{300}\\\\d')", input: { s: "a".repeat(room - 10) } },
  { condition: "input.s.matches('a[ab]{300}c')", input: { s: `c${randomAb(room - 12)}` } },
  { condition: "input.items.exists(i, i > 100.0 && i < 50.0 && i != 3.0)", input: { items: fill(() => 0, room) } },
  { condition: "input.items.exists(i, i.price > 100.0 && i.sku.startsWith('LUX') && i.qty < 5.0)", input: { items: fill(() => ({ price: 1, sku: "A", qty: 9 }), room) } },
  { condition: "input.l.map(x, x.matches('a+b')).exists(y, y)", input: { l: fill(() => "aaaa", room) } },
  { condition: "input.l.filter(x, x > 1.0).size() > 2", input: { l: fill(() => 0, room) } },
  { condition: "[1.0, 2.0, 3.0].exists(x, input.l.exists(y, y == x + 10.0))", input: { l: fill(() => 0, room) } },
];

console.log(`budget ${COST_BUDGET.toLocaleString("en")} units; data ${MAX_DATA_CHARS} JSON characters\n`);
console.log("estimate (units)  measured (ms)  ns/unit  condition");
for (const { condition, input } of cases) {
  const c = compileCondition(condition, "pre");
  if (!c.ok) {
    console.log("does not compile:", condition, c.error.message);
    continue;
  }
  const vars = { input, context: {}, action: "x.y", resource: "", agent: { id: "agt_1", name: "a", cohort: "c", owner: "o", riskTier: "low" }, now: new Date() };
  const chars = dataChars(vars);
  runCondition(c.program, vars, chars); // warm up
  const runs = 5;
  const t = performance.now();
  let r: ReturnType<typeof runCondition> = { value: false };
  for (let i = 0; i < runs; i++) r = runCondition(c.program, vars, chars);
  const ms = (performance.now() - t) / runs;
  const note = "error" in r ? ` (${r.error})` : "";
  console.log(`${c.cost.toLocaleString("en").padStart(16)}  ${ms.toFixed(2).padStart(13)}  ${((ms * 1e6) / Math.max(1, c.cost)).toFixed(1).padStart(7)}  ${condition}${note}  [data ${chars}]`);
}

const typical = { input: { sku: "LUX-001", price: 90.0, currentPrice: 150.0, tags: ["flagship"] }, context: { region: "eu" }, action: "pricing.set_price", resource: "sku:LUX-001", agent: { id: "agt_1", name: "price-optimizer-eu", cohort: "pricing", owner: "pricing@example.com", riskTier: "high" } };
const n = 200_000;
let t = performance.now();
for (let i = 0; i < n; i++) dataChars(typical);
console.log(`\ndataChars on a typical request: ${(((performance.now() - t) * 1e6) / n).toFixed(0)} ns per decision`);
t = performance.now();
for (let i = 0; i < 200; i++) compileCondition("input.items.exists(i, i.price > 100.0 && i.sku.matches('^LUX-[0-9]+$')) && 'flagship' in input.tags", "pre");
console.log(`compile + RE2 + cost estimate of a typical condition: ${((performance.now() - t) / 200).toFixed(2)} ms`);
