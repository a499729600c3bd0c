import type { Capabilities } from "./schema.ts";

/** A glob (`*` = any run of characters, nothing else special) as an anchored RegExp. */
export function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[.+?^${}()|[\]\\/]/g, "\\$&").replace(/\*/g, "[\\s\\S]*")}$`);
}

type Compiled = { action: RegExp; resources: RegExp[] | null }[] | null;

const cache = new Map<string, Compiled>();
const MAX_CACHED = 2000;

/** The grants compiled once per distinct value (keyed by their JSON). */
export function compileGrants(caps: Capabilities): Compiled {
  if (caps === null) return null;
  const key = JSON.stringify(caps);
  let hit = cache.get(key);
  if (hit === undefined) {
    hit = caps.map((g) => ({ action: globToRegExp(g.action), resources: g.resources ? g.resources.map(globToRegExp) : null }));
    if (cache.size >= MAX_CACHED) cache.clear();
    cache.set(key, hit);
  }
  return hit;
}

/**
 * Whether an agent with these grants may ask for `action` on `resource`: true when it is
 * unrestricted (null), or some grant's action glob matches the action and — if the grant
 * names resources — one of its resource globs matches the resource (an empty resource matches
 * only a grant without resources or a `*` glob).
 */
export function isGranted(caps: Capabilities, action: string, resource: string): boolean {
  const compiled = compileGrants(caps);
  if (compiled === null) return true;
  return compiled.some((g) => g.action.test(action) && (g.resources === null || g.resources.some((r) => r.test(resource))));
}
