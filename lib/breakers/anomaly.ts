import { prisma } from "../db/index.ts";
import { openBreaker } from "./transitions.ts";

/**
 * Opens every closed breaker marked `openOnAnomaly` that watches this agent or its cohort,
 * because an unusual-access alert fired (lib/anomalies). Returns the names of those it opened.
 */
export async function openOnAnomaly(a: { agentId: string; cohort: string; explanation: string; value: number; baseline: number }): Promise<string[]> {
  const rows = await prisma().breaker.findMany({
    where: { openOnAnomaly: true, state: "CLOSED", OR: [{ scopeKind: "AGENT", scopeValue: a.agentId }, { scopeKind: "COHORT", scopeValue: a.cohort }] },
  });
  const opened: string[] = [];
  for (const b of rows) {
    const ok = await openBreaker(b.id, { state: "CLOSED", samplesSince: b.samplesSince }, { cause: "anomaly", metric: "anomaly", value: a.value, threshold: a.baseline, samples: 1, windowSeconds: 3600, message: `unusual access: ${a.explanation}` });
    if (ok) opened.push(b.name);
  }
  return opened;
}
