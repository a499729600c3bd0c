import type { KnowledgeBinding } from "../knowledge/index.ts";
import { childrenOf, forEachNode, isNode, stringLiteral, type CelNode } from "./cel-ast.ts";

/**
 * CEL's `data` — the published knowledge sets a condition reads (`data["price-floors"][input.sku].floor`,
 * `input.brand in data.competitors`). Found and wired when the condition is compiled:
 *
 * - `data` must be followed by a literal set name (`data["name"]` or `data.name`), so the sets
 *   a policy depends on are known before it runs: a decision loads and records only those.
 * - A set used only to look a key up (`data.s[k]`, `data.s.k`, `data.s[?k]`) or test one
 *   (`k in data.s`) reads that one record: if it is stale, expired or not yet in force, the
 *   lookup is an error naming it (the condition fails closed).
 * - A set used any other way (iterated, passed to a function such as `containsAny`, `size`,
 *   `has(data.s.k)`) reads every record: if any is unusable, that is an error naming one. Its
 *   size then counts toward the condition's cost budget (evaluate.ts).
 *
 * At run time `data` is a Map of set name → KnowledgeBinding (the version and the decision's
 * time); the wired nodes never hand a binding to cel-js itself. The wiring overrides nodes'
 * `handle` as cel.ts does for `matches` (cel-ast.ts describes that shape of cel-js 8.0.0).
 */

export type DataUse = { sets: string[]; wholeSets: string[] };

type Handle = (...args: unknown[]) => unknown;

// Checked by its brand, so compiling conditions doesn't load lib/knowledge (and the database client with it).
const BRAND = Symbol.for("warden.knowledgeBinding");
const isBinding = (b: unknown): b is KnowledgeBinding => typeof b === "object" && b !== null && (b as Record<symbol, unknown>)[BRAND] === true;
const EMPTY = new Map<unknown, unknown>();
const LOOKUPS = new Set([".", "[]", ".?", "[?]"]);

function setNameOf(access: CelNode): string | null {
  const args = access.args as unknown[];
  if (access.op === ".") return typeof args[1] === "string" ? args[1] : null;
  if (access.op === "[]" && isNode(args[1])) return stringLiteral(args[1]);
  return null;
}

/** Wires every `data[...]` of a checked condition; returns the sets it reads, or where it misuses `data`. */
export function wireKnowledgeData(root: CelNode): DataUse | { pos: number; message: string } {
  const parents = new Map<CelNode, CelNode[]>();
  const dataIds: CelNode[] = [];
  forEachNode(root, (n) => {
    for (const c of childrenOf(n)) {
      const list = parents.get(c);
      if (list) {
        if (!list.includes(n)) list.push(n);
      } else parents.set(c, [n]);
    }
    if (n.op === "id" && n.args === "data") dataIds.push(n);
  });
  const sets = new Set<string>();
  const whole = new Set<string>();
  const wired = new Set<CelNode>();
  for (const id of dataIds) {
    for (const access of parents.get(id) ?? [undefined]) {
      const name = access && (access.op === "." || access.op === "[]") && (access.args as unknown[])[0] === id ? setNameOf(access) : null;
      if (!access || name === null) {
        return { pos: access?.start ?? id.start, message: 'data is read by a literal set name — data["price-floors"][key], key in data.competitors — not through has() or a computed name, so the sets a policy uses are known before it runs' };
      }
      if (wired.has(access)) continue;
      wired.add(access);
      sets.add(name);
      const uses = parents.get(access) ?? [];
      const lookups = uses.filter((p) => (LOOKUPS.has(p.op) && (p.args as unknown[])[0] === access) || (p.op === "in" && (p.args as unknown[])[1] === access));
      const lookupOnly = uses.length > 0 && lookups.length === uses.length;
      if (!lookupOnly) whole.add(name);
      access.handle = ((dataMap: unknown) => {
        const b = dataMap instanceof Map ? (dataMap.get(name) as unknown) : undefined;
        if (!isBinding(b)) throw new Error(`knowledge set ${name} was not loaded for this evaluation`);
        if (!lookupOnly) return b.whole();
        b.assertPublished();
        return b;
      }) as CelNode["handle"];
      if (!lookupOnly) continue;
      for (const p of lookups) {
        const original = p.handle as unknown as Handle;
        if (p.op === "in") {
          p.handle = ((key: unknown, b: unknown, ...rest: unknown[]) => {
            if (!isBinding(b)) return original(key, b, ...rest);
            const hit = b.lookup(key);
            return original(key, hit ? new Map([[key, hit.value]]) : EMPTY, ...rest);
          }) as CelNode["handle"];
        } else {
          p.handle = ((b: unknown, key: unknown, ...rest: unknown[]) => {
            if (!isBinding(b)) return original(b, key, ...rest);
            const hit = b.lookup(key);
            return original(hit ? new Map([[key, hit.value]]) : EMPTY, key, ...rest);
          }) as CelNode["handle"];
        }
      }
    }
  }
  return { sets: [...sets].sort(), wholeSets: [...whole].sort() };
}
