import { listAnomalies, type AnomalyView } from "../anomalies/index.ts";
import { breakerHolds } from "../breakers/index.ts";
import { pool } from "../db/index.ts";

/** What containment holds and flags now: the overview shows it first. */
export type ContainmentSummary = {
  /** Breakers holding an agent or a cohort, most recent first. */
  held: { breakerId: string; name: string; state: "open" | "half_open"; holds: { kind: "agent" | "cohort"; id: string; name: string }; openedAt: string; message: string }[];
  anomalies: { last24h: number; recent: AnomalyView[]; byAgent: Record<string, number>; byCohort: Record<string, number> };
  /** Agents without capability grants (shown amber). */
  unrestricted: { id: string; name: string; cohort: string }[];
  pendingGrantChanges: number;
};

/** One read of everything the containment badges and banners need. */
export async function containmentSummary(): Promise<ContainmentSummary> {
  const db = pool();
  const [holds, anomalies, unrestricted, pending] = await Promise.all([
    breakerHolds(),
    listAnomalies({ hours: 24 }),
    db.query<{ id: string; name: string; cohort: string }>(`SELECT a.id, a.name, c.name AS cohort FROM agents a JOIN cohorts c ON c.id = a.cohort_id WHERE a.capabilities IS NULL ORDER BY a.name LIMIT 500`),
    db.query<{ n: number }>(`SELECT count(*)::int AS n FROM capability_changes WHERE status = 'PENDING'`),
  ]);
  const agentIds = holds.filter((h) => h.holds.kind === "agent").map((h) => h.holds.id);
  const names = agentIds.length ? new Map((await db.query<{ id: string; name: string }>(`SELECT id, name FROM agents WHERE id = ANY($1::text[])`, [agentIds])).rows.map((r) => [r.id, r.name])) : new Map<string, string>();
  const byAgent: Record<string, number> = {};
  const byCohort: Record<string, number> = {};
  for (const a of anomalies) {
    byAgent[a.agentId] = (byAgent[a.agentId] ?? 0) + 1;
    byCohort[a.cohort] = (byCohort[a.cohort] ?? 0) + 1;
  }
  return {
    held: holds.map((h) => ({ breakerId: h.breakerId, name: h.name, state: h.state, holds: { ...h.holds, name: h.holds.kind === "agent" ? (names.get(h.holds.id) ?? h.holds.id) : h.holds.id }, openedAt: h.openedAt, message: h.message })),
    anomalies: { last24h: anomalies.length, recent: anomalies.slice(0, 5), byAgent, byCohort },
    unrestricted: unrestricted.rows,
    pendingGrantChanges: pending.rows[0]?.n ?? 0,
  };
}
