/**
 * The one place that reads @marcbachmann/cel-js's checked syntax tree (version pinned in
 * package.json). cel-js has no hook to replace a standard function — registering
 * `string.matches(string)` again is refused as an overlapping overload — so Warden walks the
 * checked tree to (1) point every `matches` call at RE2 and (2) estimate the cost of a
 * condition. Tests in test/unit/policy-conditions.test.ts fail if this shape changes.
 *
 * Shape used (cel-js 8.0.0 lib/parser.js ASTNode, lib/operators.js, lib/macros.js): a node has
 * `op`, `args`, `start` (offset in the source), `checkedType` after `check()`, and `meta`:
 * `meta.alternate` is the node a macro expanded into (exists/all/map/filter → `comprehension`),
 * `meta.macro` the state of macros evaluated in place (has, cel.bind, optional or/orValue).
 * A `rcall` node evaluates as `node.handle(evaluatedReceiverAndArgs, evaluator, node)`.
 */

export type CelType = { kind?: string; name?: string };
export type CelNode = {
  op: string;
  args: unknown;
  start: number;
  checkedType?: CelType;
  handle?: (args: unknown[], ...rest: unknown[]) => unknown;
  readonly meta: { alternate?: CelNode; macro?: Record<string, unknown> };
};

export function isNode(x: unknown): x is CelNode {
  return typeof x === "object" && x !== null && typeof (x as { op?: unknown }).op === "string" && typeof (x as { start?: unknown }).start === "number" && "meta" in x;
}

// Fields of macro state that point back at the call itself or hold checker state.
const MACRO_SKIP = new Set(["ast", "bindCtx", "iterCtx"]);

/** Nodes directly inside a value: arrays and plain objects are searched, class instances are not. */
export function nodesIn(value: unknown, out: CelNode[] = [], skip: Set<string> = MACRO_SKIP): CelNode[] {
  if (isNode(value)) out.push(value);
  else if (Array.isArray(value)) for (const v of value) nodesIn(v, out, skip);
  else if (typeof value === "object" && value !== null && Object.getPrototypeOf(value) === Object.prototype) {
    for (const [k, v] of Object.entries(value)) if (!skip.has(k)) nodesIn(v, out, skip);
  }
  return out;
}

/** The nodes a node evaluates through: its expansion, its macro's parts, or its arguments. */
export function childrenOf(node: CelNode): CelNode[] {
  const { alternate, macro } = node.meta;
  if (alternate) return [alternate];
  if (macro) return nodesIn(macro);
  return nodesIn(node.args);
}

/** Visits every node reachable from the root once (expansions and macro parts included). */
export function forEachNode(root: CelNode, visit: (n: CelNode) => void): void {
  const seen = new Set<CelNode>();
  const stack = [root];
  while (stack.length) {
    const n = stack.pop()!;
    if (seen.has(n)) continue;
    seen.add(n);
    visit(n);
    stack.push(...childrenOf(n));
  }
}

/** `receiver.matches(pattern)` calls: the node and its pattern argument. */
export function matchesCalls(root: CelNode): { call: CelNode; pattern: CelNode }[] {
  const found: { call: CelNode; pattern: CelNode }[] = [];
  forEachNode(root, (n) => {
    if (n.op !== "rcall" || n.meta.alternate || n.meta.macro || !Array.isArray(n.args) || n.args[0] !== "matches") return;
    const args = n.args[2] as unknown;
    if (Array.isArray(args) && args.length === 1 && isNode(args[0])) found.push({ call: n, pattern: args[0] });
  });
  return found;
}

/** The literal string a node is, or null when it is computed. */
export function stringLiteral(n: CelNode): string | null {
  return n.op === "value" && typeof n.args === "string" ? n.args : null;
}
