import { prisma, type Breaker } from "../db/index.ts";
import { notFound } from "../errors/index.ts";
import { countSeries, countWindows, metricValue, type Metric } from "../signals/index.ts";
import { scopeOfBreaker } from "./evaluate.ts";
import { presentBreaker, type BreakerView } from "./present.ts";
import { MAX_BREAKER_WINDOW } from "./schema.ts";

async function names(rows: Breaker[]): Promise<Map<string, string>> {
  const ids = new Set<string>();
  for (const b of rows) {
    if (b.scopeKind === "AGENT") ids.add(b.scopeValue);
    if (b.heldKind === "AGENT" && b.heldValue) ids.add(b.heldValue);
  }
  if (ids.size === 0) return new Map();
  const agents = await prisma().agent.findMany({ where: { id: { in: [...ids] } }, select: { id: true, name: true } });
  return new Map(agents.map((a) => [a.id, a.name]));
}

async function present(rows: Breaker[]): Promise<BreakerView[]> {
  const [byId, counts] = await Promise.all([
    names(rows),
    countWindows(
      rows.map((b) => ({
        scope: scopeOfBreaker(b),
        windowSeconds: b.state === "HALF_OPEN" ? MAX_BREAKER_WINDOW : b.windowSeconds,
        since: b.samplesSince,
        distinctResources: b.metric === "distinct_resources",
      })),
    ),
  ]);
  return rows.map((b, i) =>
    presentBreaker(b, { scope: byId.get(b.scopeValue) ?? b.scopeValue, held: b.heldValue ? (byId.get(b.heldValue) ?? b.heldValue) : null }, metricValue(b.metric as Metric, counts[i]!)),
  );
}

const STATE_ORDER = { OPEN: 0, HALF_OPEN: 1, CLOSED: 2 } as const;

/** Every breaker with its metric's value now; open ones first, then half-open, then by name. Filter by scope. */
export async function listBreakers(filter: { agentId?: string; cohort?: string } = {}): Promise<BreakerView[]> {
  let where = {};
  if (filter.agentId) {
    const a = await prisma().agent.findUnique({ where: { id: filter.agentId }, select: { cohort: { select: { name: true } } } });
    where = {
      OR: [
        { scopeKind: "AGENT" as const, scopeValue: filter.agentId },
        { heldKind: "AGENT" as const, heldValue: filter.agentId },
        ...(a ? [{ scopeKind: "COHORT" as const, scopeValue: a.cohort.name }, { heldKind: "COHORT" as const, heldValue: a.cohort.name }] : []),
      ],
    };
  } else if (filter.cohort) where = { OR: [{ scopeKind: "COHORT" as const, scopeValue: filter.cohort }, { heldKind: "COHORT" as const, heldValue: filter.cohort }] };
  const rows = await prisma().breaker.findMany({ where, take: 500 });
  rows.sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || a.name.localeCompare(b.name));
  return present(rows);
}

/** One breaker, with its metric's value now. Throws not_found. */
export async function getBreaker(id: string): Promise<BreakerView> {
  const b = await prisma().breaker.findUnique({ where: { id } });
  if (!b) throw notFound("Breaker");
  return (await present([b]))[0]!;
}

/** The metric over its rolling window at each of the last `points` 10-second buckets: the breaker's chart. */
export async function breakerSeries(id: string, points = 30): Promise<{ at: string; value: number; samples: number }[]> {
  const b = await prisma().breaker.findUnique({ where: { id } });
  if (!b) throw notFound("Breaker");
  if (b.metric === "distinct_resources") {
    // Resource sets aren't summed per bucket; the chart shows the current value only.
    const [now] = await countWindows([{ scope: scopeOfBreaker(b), windowSeconds: b.windowSeconds, since: b.samplesSince, distinctResources: true }]);
    return [{ at: now!.to.toISOString(), ...metricValue("distinct_resources", now!) }];
  }
  const series = await countSeries({ scope: scopeOfBreaker(b), windowSeconds: b.windowSeconds, points, since: b.samplesSince });
  return series.map((p) => ({ at: p.at, ...metricValue(b.metric as Metric, p.counts) }));
}
