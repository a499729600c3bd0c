import { isNode, nodesIn, stringLiteral, type CelNode } from "./cel-ast.ts";
import { MAX_REGEX_INSTRUCTIONS, programSize } from "./regex.ts";

/**
 * The cost bound of a policy condition (issue #10 §2: "input size × expression").
 *
 * The data a condition sees — `input`, `context`, `result`, the agent, action and resource —
 * is measured as the length of its JSON text, `n`. A condition's worst-case cost is estimated
 * from its checked syntax tree as a function of `n`, in the manner of cel-go's static cost
 * estimator (the one Kubernetes uses to refuse over-budget validation rules):
 *
 * - every node evaluated costs 1 unit (measured here: one unit ≈ 10–20 ns of cel-js);
 * - anything read from the data is at most `n` characters; a list or map from the data has at
 *   most `n / 2` elements (the smallest JSON element, `0,`, is two characters);
 * - a comprehension (`all`, `exists`, `exists_one`, `map`, `filter`) runs its step once per
 *   element; the elements' sizes add up to the list's, so work on each element adds up to work
 *   on the list, while nested iteration over the data multiplies;
 * - `in` costs a unit per element of its list or map, `==`/`!=` a unit per element of the
 *   smaller side; other string/list work (`contains`, `+`, `split`, ordering, …) one unit per
 *   CHARS_PER_UNIT characters of its operands; sizes grow through `+`, `map`, `join`, `cel.bind`;
 * - `matches` costs, per character of the text, 1 + instructions/64 units (RE2 is linear in
 *   the text, and its per-character work grows with the compiled program), where instructions
 *   is the size of the pattern's compiled RE2 program (regex.ts programSize: `(?:a?){300}a{300}\d`
 *   is 903, not a guess from its 19 characters); a pattern computed at run time counts as the
 *   largest program allowed (MAX_REGEX_INSTRUCTIONS, 1,024, beyond which a pattern is refused).
 *
 * The estimate is an upper bound (branches not taken are counted too). A condition whose cost
 * at MAX_DATA_CHARS exceeds COST_BUDGET is refused when saved or tested; at run time data longer
 * than what a condition's budget allows fails the condition closed.
 */

/** Longest data (JSON characters) a condition evaluates against; /v1 caps input 64 KiB, context 16 KiB, output 64 KiB. */
export const MAX_DATA_CHARS = 160 * 1024;
/** Largest estimated cost of one condition, in units of one node evaluation (≈ 0.1 s at worst). */
export const COST_BUDGET = 5_000_000;
const CHARS_PER_UNIT = 32;
const SCALAR = 8;
const SCALAR_TYPES = new Set(["bool", "int", "uint", "double", "null_type", "google.protobuf.Timestamp", "google.protobuf.Duration", "type"]);

type Est = { cost: number; size: number };
type Scope = ReadonlyMap<string, number>;

const work = (...sizes: number[]) => sizes.reduce((a, b) => a + b, 0) / CHARS_PER_UNIT;

function isScalar(n: CelNode): boolean {
  const t = n.checkedType;
  return Boolean(t && ((t.name && SCALAR_TYPES.has(t.name)) || t.kind === "primitive" && (t.name === "bool" || t.name === "int" || t.name === "uint" || t.name === "double")));
}

function literalSize(v: unknown): number {
  if (typeof v === "string") return v.length;
  if (v instanceof Uint8Array) return v.length;
  return SCALAR;
}

/** Elements a list of this size can hold: a literal list says, anything else is bounded by its text. */
function elementsOf(iterable: CelNode, size: number): number {
  if (iterable.op === "list" && Array.isArray(iterable.args)) return iterable.args.length;
  if (iterable.op === "map" && Array.isArray(iterable.args)) return iterable.args.length;
  return Math.ceil(size / 2);
}

// Beyond this nesting, a comprehension's step is estimated once, at the largest element (coarser,
// but the estimate's own work stays linear in the condition).
const SPLIT_DEPTH = 3;

function estimateComprehension(node: CelNode, scope: Scope, n: number, depth: number): Est {
  const a = node.args as { iterable: CelNode; init: CelNode; step: CelNode; iterVarName: string; kind?: string };
  const it = estimate(a.iterable, scope, n, depth);
  const elements = elementsOf(a.iterable, it.size);
  const init = estimate(a.init, scope, n, depth);
  // The elements' sizes add up to at most the list's: the step's cost and output, which grow
  // with the element (convexly), are largest in total when one element holds everything and
  // the others are as small as an element can be.
  const big = estimate(a.step, new Map(scope).set(a.iterVarName, it.size), n, depth + 1);
  const small = depth < SPLIT_DEPTH ? estimate(a.step, new Map(scope).set(a.iterVarName, 2), n, depth + 1) : big;
  const rest = Math.max(0, elements - 1);
  const cost = it.cost + init.cost + rest * (small.cost + 1) + big.cost + 1;
  if (a.kind === "quantifier") return { cost, size: SCALAR };
  // map/filter accumulate what each step pushes; a filter pushes elements, at most the whole list.
  const push = a.step.op === "accuPush" ? a.step : a.step.op === "?:" ? nodesIn(a.step.args)[1] : undefined;
  const pushesElement = push?.op === "accuPush" && isNode(push.args) && push.args.op === "id" && push.args.args === a.iterVarName;
  return { cost, size: init.size + elements + (pushesElement ? it.size : rest * small.size + big.size) };
}

function estimateCall(node: CelNode, scope: Scope, n: number, depth: number): Est {
  const args = node.args as unknown[];
  const name = String(args[0]);
  const receiver = node.op === "rcall" && isNode(args[1]) ? estimate(args[1], scope, n, depth) : null;
  const argNodes = nodesIn(node.op === "rcall" ? args[2] : args[1]);
  const ests = argNodes.map((a) => estimate(a, scope, n, depth));
  const inputs = [...(receiver ? [receiver] : []), ...ests];
  const cost = 1 + inputs.reduce((s, e) => s + e.cost, 0);
  const total = inputs.reduce((s, e) => s + e.size, 0);
  const first = inputs[0]?.size ?? 0;
  if (name === "matches" && receiver) {
    const literal = argNodes[0] ? stringLiteral(argNodes[0]) : null;
    // The compiled program's size, never a guess from the pattern's length (repetitions multiply).
    const instructions = literal === null ? MAX_REGEX_INSTRUCTIONS : programSize(literal);
    return { cost: cost + receiver.size * (1 + instructions / 64), size: SCALAR };
  }
  const size = isScalar(node)
    ? SCALAR
    : name === "join"
      ? first * (1 + (ests[0]?.size ?? 0))
      : name === "split"
        ? first * 2 + SCALAR
        : name === "hex" || name === "base64"
          ? first * 2
          : Math.max(SCALAR, total);
  return { cost: cost + work(total, size), size };
}

/**
 * Worst-case {cost, size} of a checked node when the data is `n` characters long. `scope`
 * holds the size of variables bound by comprehensions and `cel.bind`.
 */
export function estimate(node: CelNode, scope: Scope, n: number, depth = 0): Est {
  const { alternate, macro } = node.meta;
  if (alternate) return estimate(alternate, scope, n, depth);
  if (macro) {
    if (typeof macro.var === "string" && isNode(macro.val) && isNode(macro.exp)) {
      const val = estimate(macro.val, scope, n, depth);
      const exp = estimate(macro.exp, new Map(scope).set(macro.var, val.size), n, depth);
      return { cost: 1 + val.cost + exp.cost, size: exp.size };
    }
    const parts = nodesIn(macro).map((c) => estimate(c, scope, n, depth));
    return { cost: 1 + parts.reduce((s, e) => s + e.cost, 0), size: isScalar(node) ? SCALAR : Math.max(SCALAR, ...parts.map((e) => e.size)) };
  }
  switch (node.op) {
    case "value":
      return { cost: 1, size: literalSize(node.args) };
    case "id":
      return { cost: 1, size: scope.get(String(node.args)) ?? n };
    case "accuPush": {
      const arg = isNode(node.args) ? estimate(node.args, scope, n, depth) : { cost: 0, size: SCALAR };
      return { cost: 1 + arg.cost, size: arg.size };
    }
    case "accuValue":
    case "accuInc":
      return { cost: 1, size: SCALAR };
    case "comprehension":
      return estimateComprehension(node, scope, n, depth);
    case "call":
    case "rcall":
      return estimateCall(node, scope, n, depth);
    case ".":
    case ".?":
    case "[]":
    case "[?]": {
      const parts = nodesIn(node.args).map((c) => estimate(c, scope, n, depth));
      return { cost: 1 + parts.reduce((s, e) => s + e.cost, 0), size: isScalar(node) ? SCALAR : (parts[0]?.size ?? n) };
    }
    case "list":
    case "map": {
      const parts = nodesIn(node.args).map((c) => estimate(c, scope, n, depth));
      return { cost: 1 + parts.reduce((s, e) => s + e.cost, 0), size: parts.reduce((s, e) => s + e.size + 1, SCALAR) };
    }
    case "?:": {
      const [c, l, r] = nodesIn(node.args).map((x) => estimate(x, scope, n, depth));
      return { cost: 1 + (c?.cost ?? 0) + (l?.cost ?? 0) + (r?.cost ?? 0), size: Math.max(l?.size ?? 0, r?.size ?? 0) };
    }
    default: {
      // Operators: + - * / % == != < <= > >= in && || ! and unary minus.
      const parts = nodesIn(node.args).map((c) => estimate(c, scope, n, depth));
      const sizes = parts.map((e) => e.size);
      const cost = 1 + parts.reduce((s, e) => s + e.cost, 0);
      // `in` compares with each element of the list or map (one unit each), == and != compare
      // element by element up to the smaller side; ordering and arithmetic are string work at most.
      if (node.op === "in") return { cost: cost + (sizes[1] ?? 0) / 2 + work(sizes[0] ?? 0), size: SCALAR };
      if (node.op === "==" || node.op === "!=") return { cost: cost + Math.min(...sizes) / 2, size: SCALAR };
      if (isScalar(node)) return { cost: cost + (node.op === "&&" || node.op === "||" || node.op === "!_" ? 0 : work(...sizes)), size: SCALAR };
      const size = node.op === "+" ? sizes.reduce((a, b) => a + b, 0) : Math.max(SCALAR, ...sizes);
      return { cost: cost + work(...sizes, size), size };
    }
  }
}

export type CostReport = {
  /** Estimated cost when the data is MAX_DATA_CHARS long. */
  atMaxData: number;
  /** Longest data (JSON characters) this condition evaluates within COST_BUDGET; MAX_DATA_CHARS at most. */
  maxDataChars: number;
};

/** The cost estimate of a checked condition, and the longest data it may run on. */
export function costOf(root: CelNode): CostReport {
  const at = (n: number) => estimate(root, new Map(), n).cost;
  const atMaxData = at(MAX_DATA_CHARS);
  if (atMaxData <= COST_BUDGET) return { atMaxData, maxDataChars: MAX_DATA_CHARS };
  // The cost grows with n: find the largest n within budget.
  let lo = 0;
  let hi = MAX_DATA_CHARS;
  if (at(0) > COST_BUDGET) return { atMaxData, maxDataChars: 0 };
  while (hi - lo > 64) {
    const mid = Math.floor((lo + hi) / 2);
    if (at(mid) <= COST_BUDGET) lo = mid;
    else hi = mid;
  }
  return { atMaxData, maxDataChars: lo };
}
