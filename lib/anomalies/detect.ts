import { appendAuditEvents } from "../audit/index.ts";
import { openOnAnomaly } from "../breakers/index.ts";
import { pool, withPgTransaction } from "../db/index.ts";
import { newId } from "../ids.ts";
import { agentUsage, BASELINE_HOURS, type AgentUsage } from "../signals/index.ts";
import { enqueueWebhook } from "../webhooks/index.ts";
import { anomalySettings, type AnomalySettings } from "./settings.ts";

export const ANOMALY_KINDS = ["new_action", "new_resource_kind", "records_per_hour", "pii_per_hour"] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

/** What one agent did this hour that is unusual for it. */
export type Finding = { agentId: string; kind: AnomalyKind; subject: string; value: number; baseline: number; explanation: string };

const n = (v: number) => v.toLocaleString("en");
const list = (xs: Iterable<string>, max = 5) => {
  const all = [...xs].sort();
  return all.length === 0 ? "nothing" : all.length <= max ? all.join(", ") : `${all.slice(0, max).join(", ")} and ${all.length - max} more`;
};

/**
 * The rules (pure): against its 7-day baseline, an agent with at least `minHistoryHours` of
 * history that this hour
 * - uses an action it never used → `new_action`;
 * - touches a resource kind (`customer` in `customer:C-1`) it never touched → `new_resource_kind`;
 * - touches more resources of a kind than `factor` × its hourly p99 for that kind (p99 of the
 *   168 hourly counts, idle hours counting 0; at least 1), and at least `minVolume` →
 *   `records_per_hour`;
 * - sends more requests carrying personal data than `factor` × its hourly p99 of those, and at
 *   least `minVolume` → `pii_per_hour`.
 * Each finding explains itself in words.
 */
export function findAnomalies(u: AgentUsage, hour: Date, s: AnomalySettings): Finding[] {
  if (!u.firstHour || u.firstHour.getTime() > hour.getTime() - s.minHistoryHours * 3_600_000) return [];
  const out: Finding[] = [];
  for (const [action, count] of u.current.actions) {
    if (u.baseline.actions.has(action)) continue;
    out.push({ agentId: u.agentId, kind: "new_action", subject: action, value: count, baseline: 0, explanation: `used ${action} for the first time (${n(count)} request${count === 1 ? "" : "s"} this hour); in the last 7 days it used only ${list(u.baseline.actions)}` });
  }
  for (const [kind, count] of u.current.kinds) {
    if (!u.baseline.kinds.has(kind)) {
      out.push({ agentId: u.agentId, kind: "new_resource_kind", subject: kind, value: count, baseline: 0, explanation: `touched ${kind} resources for the first time (${n(count)} this hour); in the last 7 days it touched only ${list(u.baseline.kinds)}` });
      continue;
    }
    const p99 = u.baseline.kindP99.get(kind) ?? 0;
    if (count >= s.minVolume && count > s.factor * Math.max(p99, 1)) {
      out.push({ agentId: u.agentId, kind: "records_per_hour", subject: kind, value: count, baseline: p99, explanation: `touched ${n(count)} ${kind} records this hour; its 7-day hourly p99 is ${n(p99)}` });
    }
  }
  const pii = u.current.pii;
  if (pii >= s.minVolume && pii > s.factor * Math.max(u.baseline.piiP99, 1)) {
    out.push({ agentId: u.agentId, kind: "pii_per_hour", subject: "*", value: pii, baseline: u.baseline.piiP99, explanation: `sent ${n(pii)} requests carrying personal data this hour; its 7-day hourly p99 is ${n(u.baseline.piiP99)}` });
  }
  return out;
}

/**
 * One detection pass (the jobs loop runs it every minute): findings for every agent active
 * this hour, each recorded once per agent, kind, subject and hour — the instance whose insert
 * wins writes the `anomaly.detected` audit event and webhook in the same transaction — then
 * breakers marked `openOnAnomaly` that watch the agent or its cohort are opened. Returns the
 * anomalies it recorded.
 */
export async function detectAnomalies(opts: { hour?: Date } = {}): Promise<{ id: string; agentId: string; kind: AnomalyKind; explanation: string; breakersOpened: string[] }[]> {
  const [settings, usage] = await Promise.all([anomalySettings(), agentUsage({ hour: opts.hour })]);
  const findings = usage.agents.flatMap((u) => findAnomalies(u, usage.hour, settings));
  if (findings.length === 0) return [];
  const agents = new Map(
    (await pool().query<{ id: string; name: string; cohort: string }>(`SELECT a.id, a.name, c.name AS cohort FROM agents a JOIN cohorts c ON c.id = a.cohort_id WHERE a.id = ANY($1::text[])`, [[...new Set(findings.map((f) => f.agentId))]])).rows.map((a) => [a.id, a]),
  );
  const recorded: { id: string; agentId: string; kind: AnomalyKind; explanation: string; breakersOpened: string[] }[] = [];
  for (const f of findings) {
    const a = agents.get(f.agentId);
    if (!a) continue;
    const id = await withPgTransaction(async (run) => {
      const inserted = await run<{ id: string }>(
        `INSERT INTO anomalies (id, agent_id, cohort, kind, subject, hour, value, baseline, explanation) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
         ON CONFLICT (agent_id, kind, subject, hour) DO NOTHING RETURNING id`,
        [newId("anm"), a.id, a.cohort, f.kind, f.subject, usage.hour, f.value, f.baseline, f.explanation],
      );
      const row = inserted[0];
      if (!row) return null;
      const payload = { anomalyId: row.id, agentId: a.id, agent: a.name, cohort: a.cohort, kind: f.kind, subject: f.subject, value: f.value, baseline: f.baseline, explanation: f.explanation, breakersOpened: [] as string[], hour: usage.hour.toISOString() };
      await appendAuditEvents(run, [{ actor: "system", kind: "anomaly.detected", subject: `agent:${a.id}`, agentId: a.id, cohort: a.cohort, data: { ...payload, baselineHours: BASELINE_HOURS } }]);
      await enqueueWebhook(run, "anomaly.detected", payload);
      return row.id;
    });
    if (!id) continue;
    const opened = await openOnAnomaly({ agentId: a.id, cohort: a.cohort, explanation: `${a.name} ${f.explanation}`, value: f.value, baseline: f.baseline });
    if (opened.length) await pool().query(`UPDATE anomalies SET breakers_opened = $2 WHERE id = $1`, [id, opened]);
    recorded.push({ id, agentId: a.id, kind: f.kind, explanation: f.explanation, breakersOpened: opened });
  }
  return recorded;
}
