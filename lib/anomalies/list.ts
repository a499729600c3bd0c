import { z } from "zod";
import { prisma } from "../db/index.ts";
import type { AnomalyKind } from "./detect.ts";

export type AnomalyView = { id: string; agentId: string; agentName: string; cohort: string; kind: AnomalyKind; subject: string; value: number; baseline: number; explanation: string; breakersOpened: string[]; hour: string; detectedAt: string };

export const listAnomaliesSchema = z.object({
  agent: z.string().max(64).optional(),
  cohort: z.string().max(48).optional(),
  hours: z.coerce.number().int().min(1).max(24 * 30).default(24),
});

/** Unusual-access alerts of the last `hours` (default 24), newest first, optionally for one agent or cohort (at most 200). */
export async function listAnomalies(filter: { agent?: string; cohort?: string; hours?: number } = {}): Promise<AnomalyView[]> {
  const since = new Date(Date.now() - (filter.hours ?? 24) * 3_600_000);
  const rows = await prisma().anomaly.findMany({
    where: { createdAt: { gte: since }, ...(filter.agent ? { agentId: filter.agent } : {}), ...(filter.cohort ? { cohort: filter.cohort } : {}) },
    orderBy: { createdAt: "desc" },
    take: 200,
  });
  const names = new Map((await prisma().agent.findMany({ where: { id: { in: [...new Set(rows.map((r) => r.agentId))] } }, select: { id: true, name: true } })).map((a) => [a.id, a.name]));
  return rows.map((r) => ({
    id: r.id,
    agentId: r.agentId,
    agentName: names.get(r.agentId) ?? r.agentId,
    cohort: r.cohort,
    kind: r.kind as AnomalyKind,
    subject: r.subject,
    value: r.value,
    baseline: r.baseline,
    explanation: r.explanation,
    breakersOpened: r.breakersOpened,
    hour: r.hour.toISOString(),
    detectedAt: r.createdAt.toISOString(),
  }));
}
