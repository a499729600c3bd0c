import { breakerHolds, holdMessage, holdsCovering } from "../breakers/index.ts";
import { Prisma, prisma } from "../db/index.ts";
import { effectiveHalt, globalHaltState } from "../killswitch/index.ts";

export type CohortView = {
  id: string;
  name: string;
  description: string;
  /** A halt first, then a breaker holding the cohort (`circuit_open`). */
  status: "active" | "halted" | "circuit_open";
  haltReason?: string;
  circuitReason?: string;
  haltedAt?: string;
  haltedBy?: string;
  agents: number;
  haltedAgents: number;
  /** Agents without capability grants (shown amber). */
  unrestrictedAgents: number;
  createdAt: string;
};

const NO_SWITCH = { haltedAt: null, haltReason: null };

/**
 * Every cohort with its halt state (the cohort's own switch or the global one, by the
 * precedence of lib/killswitch), how many agents it has and how many are halted on their own.
 */
export async function listCohorts(): Promise<CohortView[]> {
  const [cohorts, halted, unrestricted, global, holds] = await Promise.all([
    prisma().cohort.findMany({ orderBy: { name: "asc" }, include: { _count: { select: { agents: true } } } }),
    prisma().agent.groupBy({ by: ["cohortId"], where: { haltedAt: { not: null } }, _count: { _all: true } }),
    prisma().agent.groupBy({ by: ["cohortId"], where: { capabilities: { equals: Prisma.DbNull } }, _count: { _all: true } }),
    globalHaltState(),
    breakerHolds(),
  ]);
  const haltedBy = new Map(halted.map((h) => [h.cohortId, h._count._all]));
  const unrestrictedIn = new Map(unrestricted.map((h) => [h.cohortId, h._count._all]));
  return cohorts.map((c) => {
    const e = effectiveHalt({ global, cohort: c, agent: NO_SWITCH });
    const halt =
      e.status === "halted"
        ? {
            status: "halted" as const,
            haltReason: e.haltReason,
            haltedAt: (e.haltedBy === "global" ? global!.haltedAt! : c.haltedAt!).toISOString(),
            haltedBy: e.haltedBy === "global" ? "global" : (c.haltedBy ?? undefined),
          }
        : (() => {
            const h = holdsCovering(holds, { cohort: c.name })[0];
            return h ? { status: "circuit_open" as const, circuitReason: holdMessage(h) } : { status: "active" as const };
          })();
    return {
      id: c.id,
      name: c.name,
      description: c.description,
      ...halt,
      agents: c._count.agents,
      haltedAgents: haltedBy.get(c.id) ?? 0,
      unrestrictedAgents: unrestrictedIn.get(c.id) ?? 0,
      createdAt: c.createdAt.toISOString(),
    };
  });
}
