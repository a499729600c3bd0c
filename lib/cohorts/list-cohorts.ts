import { globalHaltState } from "../agents/global-halt.ts";
import { prisma } from "../db/index.ts";

export type CohortView = {
  id: string;
  name: string;
  description: string;
  status: "active" | "halted";
  haltReason?: string;
  haltedAt?: string;
  haltedBy?: string;
  agents: number;
  haltedAgents: number;
  createdAt: string;
};

export async function listCohorts(): Promise<CohortView[]> {
  const [cohorts, halted, global] = await Promise.all([
    prisma().cohort.findMany({ orderBy: { name: "asc" }, include: { _count: { select: { agents: true } } } }),
    prisma().agent.groupBy({ by: ["cohortId"], where: { haltedAt: { not: null } }, _count: { _all: true } }),
    globalHaltState(),
  ]);
  const haltedBy = new Map(halted.map((h) => [h.cohortId, h._count._all]));
  return cohorts.map((c) => {
    const halt = global?.haltedAt
      ? { status: "halted" as const, haltReason: global.haltReason ?? "global halt", haltedAt: global.haltedAt.toISOString(), haltedBy: "global" }
      : c.haltedAt
        ? { status: "halted" as const, haltReason: c.haltReason ?? "", haltedAt: c.haltedAt.toISOString(), haltedBy: c.haltedBy ?? undefined }
        : { status: "active" as const };
    return {
      id: c.id,
      name: c.name,
      description: c.description,
      ...halt,
      agents: c._count.agents,
      haltedAgents: haltedBy.get(c.id) ?? 0,
      createdAt: c.createdAt.toISOString(),
    };
  });
}
