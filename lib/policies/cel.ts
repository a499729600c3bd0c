import { Environment } from "@marcbachmann/cel-js";
import { matchesCalls, stringLiteral, type CelNode } from "./cel-ast.ts";
import { COST_BUDGET, costOf, MAX_DATA_CHARS } from "./cost.ts";
import { wireKnowledgeData } from "./knowledge-data.ts";
import { compileRegex, dynamicRegex, RegexError, type Regex } from "./regex.ts";
import { containsAnyPhrase, normalizeText } from "./text-functions.ts";

/**
 * The CEL environment every policy condition is compiled in. Variables are declared so that
 * a typo such as `inptu.price` is refused at save time; JSON numbers arrive as CEL doubles
 * (compare them with ints or doubles freely; write `1.0`, not `1`, in arithmetic).
 */
function baseEnv(stage: "pre" | "post") {
  const env = new Environment({ unlistedVariablesAreDyn: false, homogeneousAggregateLiterals: false, enableOptionalTypes: true, limits: { maxAstNodes: 2000, maxDepth: 50 } })
    .registerVariable("agent", "map")
    .registerVariable("action", "string")
    .registerVariable("resource", "string")
    .registerVariable("input", "map")
    .registerVariable("context", "map")
    .registerVariable("now", "google.protobuf.Timestamp")
    // Budgets' usage by name (lib/budgets): budgets["refunds-per-day"].remaining, .used, .limit.
    .registerVariable("budgets", "map")
    // Published knowledge sets, by name (knowledge-data.ts); text helpers for deny-lists (text-functions.ts).
    .registerVariable("data", "map")
    .registerFunction("normalize(string): string", normalizeText)
    .registerFunction("containsAny(string, list): bool", containsAnyPhrase)
    .registerFunction("containsAny(string, map): bool", containsAnyPhrase);
  return stage === "post" ? env.registerVariable("result", "map") : env;
}

const envs = { pre: baseEnv("pre"), post: baseEnv("post") };

export type CelProgram = ((vars: Record<string, unknown>) => unknown) & {
  /** Longest data (JSON characters, see dataChars) this condition may evaluate within its cost budget. */
  maxDataChars?: number;
  /** Knowledge sets the condition reads (`data["…"]`), and those it reads whole (iterates or passes on). */
  knowledge?: { sets: string[]; wholeSets: string[] };
};

type CelError = { message: string; position: number | null; line: number | null; column: number | null };

export type CompileResult =
  | { ok: true; program: CelProgram; cost: number; maxDataChars: number; knowledgeSets: string[] }
  | { ok: false; error: CelError };

function position(source: string, pos: number | null) {
  if (pos === null) return { line: null, column: null };
  const before = source.slice(0, pos).split("\n");
  return { line: before.length, column: before[before.length - 1]!.length + 1 };
}

function firstLine(message: string): string {
  return message.split("\n")[0]!.trim();
}

function failure(source: string, message: string, pos: number | null): { ok: false; error: CelError } {
  return { ok: false, error: { message, position: pos, ...position(source, pos) } };
}

/**
 * Points every `matches` call of a checked program at RE2. Literal patterns are compiled now
 * (a bad one is returned as an error at its position); patterns computed from the data are
 * compiled on first use, and an error there is a run-time error (the condition fails closed).
 */
function routeMatchesToRe2(root: CelNode): { pos: number; message: string } | null {
  for (const { call, pattern } of matchesCalls(root)) {
    const literal = stringLiteral(pattern);
    let fixed: Regex | null = null;
    if (literal !== null) {
      try {
        fixed = compileRegex(literal);
      } catch (err) {
        if (!(err instanceof RegexError)) throw err;
        // The offset inside the pattern is exact only when the literal has no escapes.
        return { pos: pattern.start, message: `invalid regular expression ${JSON.stringify(literal)}: ${err.message}` };
      }
    }
    call.handle = (args: unknown[]) => {
      const [text, p] = args;
      if (typeof text !== "string" || typeof p !== "string") throw new Error("found no matching overload for 'matches' (it takes a string and a string pattern)");
      return (fixed ?? dynamicRegex(p)).test(text);
    };
  }
  return null;
}

/**
 * Parses and type-checks a condition, compiles its regular expressions with RE2 and estimates
 * its cost (lib/policies/cost.ts). On error says what and where (offset, line, column).
 * `cost` is the estimate at the largest data; `maxDataChars` how long the data may be before
 * evaluation would exceed the budget. Whether an over-budget condition may be saved is the
 * caller's call (assertConditionCompiles refuses it).
 */
export function compileCondition(source: string, stage: "pre" | "post"): CompileResult {
  const env = envs[stage];
  try {
    const program = env.parse(source);
    const checked = program.check() as { valid: boolean; type?: string; error?: { message: string; node?: { pos?: number } } };
    if (!checked.valid) return failure(source, firstLine(checked.error?.message ?? "invalid condition"), checked.error?.node?.pos ?? null);
    if (checked.type !== "bool" && checked.type !== "dyn") {
      return failure(source, `The condition must be true or false, but it gives ${checked.type}`, 0);
    }
    const root = (program as unknown as { ast: CelNode }).ast;
    const bad = routeMatchesToRe2(root);
    if (bad) return failure(source, bad.message, bad.pos);
    const data = wireKnowledgeData(root);
    if ("message" in data) return failure(source, data.message, data.pos);
    const cost = costOf(root);
    const run = program as unknown as CelProgram;
    run.maxDataChars = cost.maxDataChars;
    run.knowledge = data;
    return { ok: true, program: run, cost: Math.ceil(cost.atMaxData), maxDataChars: cost.maxDataChars, knowledgeSets: data.sets };
  } catch (err) {
    const e = err as { message?: string; node?: { pos?: number } };
    return failure(source, firstLine(e.message ?? String(err)), e.node?.pos ?? null);
  }
}

/** Says why a compiled condition is over the cost budget, or null when it is within it. */
export function overBudget(c: { cost: number; maxDataChars: number }): string | null {
  if (c.maxDataChars >= MAX_DATA_CHARS) return null;
  return `The condition is too expensive: its estimated cost on the largest allowed data (${MAX_DATA_CHARS / 1024} KiB) is ${c.cost.toLocaleString("en")} units, over the budget of ${COST_BUDGET.toLocaleString("en")} (iterating over data inside another iteration usually is; iterate once, or over a literal list)`;
}

// An agent's id, name, cohort, owner and risk tier are bounded by their schemas (< 400 characters).
const AGENT_CHARS = 512;

/**
 * Length of the data a condition sees, in JSON characters — what its cost budget is measured
 * in: `input`, `context` and `result` serialized, `action` and `resource`, and a bound for the
 * agent's fields. ~0.5 µs for a typical request; computed once per decision.
 */
export function dataChars(vars: Record<string, unknown>): number {
  let n = vars.agent === undefined ? 0 : AGENT_CHARS;
  for (const k of ["input", "context", "result"]) if (vars[k] !== undefined) n += JSON.stringify(vars[k])?.length ?? 0;
  for (const k of ["action", "resource"]) if (typeof vars[k] === "string") n += vars[k].length;
  return n;
}

/**
 * Runs a compiled condition: true/false, or the run-time error (missing field, wrong type,
 * a pattern RE2 refuses, or data too long for the condition's cost budget — then it is not run).
 * `chars` is dataChars(vars), computed once per decision by the caller when given.
 */
export function runCondition(program: CelProgram, vars: Record<string, unknown>, chars: number = dataChars(vars)): { value: boolean } | { error: string } {
  const limit = Math.min(program.maxDataChars ?? MAX_DATA_CHARS, MAX_DATA_CHARS);
  if (chars > limit) {
    return { error: `not evaluated: the data (${chars} JSON characters) is over this condition's cost budget (${limit} characters)` };
  }
  try {
    const v = program(vars);
    if (typeof v === "boolean") return { value: v };
    return { error: `the condition gave ${typeof v}, not true/false` };
  } catch (err) {
    return { error: firstLine((err as Error).message ?? String(err)) };
  }
}

const NUMBER_TYPES = new Set(["int", "uint", "double", "dyn"]);

/**
 * Compiles a CEL expression that gives a number (a budget's `amount`: `input.amount`,
 * `input.units * input.unitCost`, `1`) in the pre-stage environment, with the same RE2
 * routing and cost bound as conditions. On error says what and where. The caller decides
 * whether an over-budget cost may be saved (see overBudget).
 */
export function compileNumberExpression(source: string): CompileResult {
  try {
    const program = envs.pre.parse(source);
    const checked = program.check() as { valid: boolean; type?: string; error?: { message: string; node?: { pos?: number } } };
    if (!checked.valid) return failure(source, firstLine(checked.error?.message ?? "invalid expression"), checked.error?.node?.pos ?? null);
    if (!NUMBER_TYPES.has(checked.type ?? "")) return failure(source, `The amount must be a number, but it gives ${checked.type}`, 0);
    const root = (program as unknown as { ast: CelNode }).ast;
    const bad = routeMatchesToRe2(root);
    if (bad) return failure(source, bad.message, bad.pos);
    // Amounts are computed from the request alone: no knowledge set is loaded for them.
    const data = wireKnowledgeData(root);
    if ("message" in data) return failure(source, data.message, data.pos);
    if (data.sets.length) return failure(source, "A budget's amount can't read knowledge sets (data[…]); compute it from the request", 0);
    const cost = costOf(root);
    const run = program as unknown as CelProgram;
    run.maxDataChars = cost.maxDataChars;
    return { ok: true, program: run, cost: Math.ceil(cost.atMaxData), maxDataChars: cost.maxDataChars, knowledgeSets: [] };
  } catch (err) {
    const e = err as { message?: string; node?: { pos?: number } };
    return failure(source, firstLine(e.message ?? String(err)), e.node?.pos ?? null);
  }
}

/**
 * Runs a compiled number expression: a finite number (CEL ints become numbers), or the
 * run-time error (missing field, wrong type, not a number, data over its cost budget).
 */
export function runNumberExpression(program: CelProgram, vars: Record<string, unknown>, chars: number = dataChars(vars)): { value: number } | { error: string } {
  const limit = Math.min(program.maxDataChars ?? MAX_DATA_CHARS, MAX_DATA_CHARS);
  if (chars > limit) return { error: `not evaluated: the data (${chars} JSON characters) is over this expression's cost budget (${limit} characters)` };
  try {
    const v = program(vars);
    const n = typeof v === "bigint" ? Number(v) : v;
    if (typeof n !== "number") return { error: `the amount gave ${typeof v}, not a number` };
    if (!Number.isFinite(n)) return { error: "the amount is not a finite number" };
    return { value: n };
  } catch (err) {
    return { error: firstLine((err as Error).message ?? String(err)) };
  }
}
