import { prisma } from "../db/index.ts";
import { BusCache, CHANNEL } from "../events/index.ts";

export type TeamRef = { id: string; name: string };

/** What routing needs on the decision path: teams by name, and each cohort's default team. */
export type TeamDirectory = { byName: Map<string, TeamRef>; defaultOf: Map<string, TeamRef> };

async function load(): Promise<TeamDirectory> {
  const teams = await prisma().team.findMany({ select: { id: true, name: true, cohorts: { select: { cohort: true } } } });
  const byName = new Map<string, TeamRef>();
  const defaultOf = new Map<string, TeamRef>();
  for (const t of teams) {
    byName.set(t.name, { id: t.id, name: t.name });
    for (const c of t.cohorts) defaultOf.set(c.cohort, { id: t.id, name: t.name });
  }
  return { byName, defaultOf };
}

const KEY = Symbol.for("warden.teamDirectory");
type Holder = { [KEY]?: BusCache<TeamDirectory> };

/**
 * The team directory, kept per instance and reloaded when any instance changes a team
 * (NOTIFY warden_teams); the changing instance invalidates it at once.
 */
export function teamDirectory(): BusCache<TeamDirectory> {
  const g = globalThis as Holder;
  return (g[KEY] ??= new BusCache(CHANNEL.teams, load));
}
