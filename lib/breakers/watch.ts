import { prisma } from "../db/index.ts";
import { BusCache, CHANNEL } from "../events/index.ts";
import { scopeKey, type ScopeRef } from "../signals/index.ts";

/** Which signal scopes breakers watch, and which of them need their resource sets recorded. */
export type BreakerWatch = { scopes: Set<string>; resources: Set<string> };

async function load(): Promise<BreakerWatch> {
  const rows = await prisma().breaker.findMany({ select: { scopeKind: true, scopeValue: true, metric: true } });
  const key = (r: (typeof rows)[number]) => scopeKey({ kind: r.scopeKind === "AGENT" ? "agent" : "cohort", id: r.scopeValue });
  return { scopes: new Set(rows.map(key)), resources: new Set(rows.filter((r) => r.metric === "distinct_resources").map(key)) };
}

const KEY = Symbol.for("warden.breakerWatch");
type Holder = { [KEY]?: BusCache<BreakerWatch> };

/** Per instance, reloaded on NOTIFY warden_breakers. */
export function breakerWatchCache(): BusCache<BreakerWatch> {
  const g = globalThis as Holder;
  return (g[KEY] ??= new BusCache(CHANNEL.breakers, load));
}

/** For lib/signals: record resources for the scopes a distinct_resources breaker watches. */
export async function resourceTracker(): Promise<(scope: ScopeRef) => boolean> {
  const w = await breakerWatchCache().get();
  if (w.resources.size === 0) return () => false;
  return (scope) => !scope.version && w.resources.has(scopeKey(scope));
}
