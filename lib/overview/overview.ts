import { awaitingDecisionSql } from "../actions/index.ts";
import { pool, readReplicaOk, type ReadDb, type ReadSource } from "../db/index.ts";
import { haltedSql } from "../killswitch/index.ts";
import { containmentSummary, type ContainmentSummary } from "./containment.ts";

/**
 * What the overview page shows, in one read: decisions per minute over the last hour, per-
 * cohort deny and escalation rates, the approval queue, what is halted, the busiest agents and
 * the policies that fired most over the last 24 hours. Every query is a range scan on
 * actions.created_at (or a small table), so it stays fast at millions of actions.
 *
 * The aggregates over actions are replica-ok (lib/db `readReplicaOk`: served by the read
 * replica when one is configured and within its lag bound, `readFrom` says which); the queue,
 * halts and containment are read from the primary, and so are the `halted` flags of the
 * cohort and agent rows (overlaid from the primary's halts), so a lagging replica never shows
 * a halted cohort as running.
 */
export type DecisionMix = { allowed: number; denied: number; escalated: number };
export type MinuteBucket = DecisionMix & { minute: string };
export type CohortRates = DecisionMix & { cohort: string; total: number; denyRate: number; escalationRate: number; halted: boolean };
export type BusyAgent = DecisionMix & { id: string; name: string; cohort: string; halted: boolean; total: number };
export type FiredPolicy = { policyId: string; name: string; effect: string; fired: number; shadow: number };
export type Halted = {
  global: { at: string; reason: string | null; by: string | null } | null;
  cohorts: { name: string; at: string; reason: string | null }[];
  agents: { id: string; name: string; cohort: string; at: string; reason: string | null }[];
};
export type Overview = {
  generatedAt: string;
  perMinute: MinuteBucket[];
  lastHour: DecisionMix & { total: number };
  lastDay: DecisionMix & { total: number };
  cohorts: CohortRates[];
  pending: { count: number; oldestAt: string | null };
  halted: Halted;
  busiestAgents: BusyAgent[];
  topPolicies: FiredPolicy[];
  agents: { total: number; halted: number };
  /** Open breakers (shown first), unusual-access alerts, unrestricted agents (lib/overview containment.ts). */
  containment: ContainmentSummary;
  /** Where the aggregates (perMinute, lastHour, lastDay, cohorts, busiestAgents, topPolicies) were read:
   * the read replica with its lag in ms, or the primary and why (lib/db `ReadSource`). */
  readFrom: ReadSource;
};

const MIX = `count(*) FILTER (WHERE status = 'ALLOWED')::int AS allowed,
             count(*) FILTER (WHERE status = 'DENIED')::int AS denied,
             count(*) FILTER (WHERE status IN ('PENDING', 'APPROVED', 'REJECTED', 'EXPIRED'))::int AS escalated`;

type MixRow = { allowed: number; denied: number; escalated: number };
const total = (m: MixRow) => m.allowed + m.denied + m.escalated;
const rate = (n: number, of: number) => (of ? n / of : 0);

export async function getOverview(now: Date = new Date()): Promise<Overview> {
  // Minute buckets end with the current (partial) minute.
  const endMinute = Math.floor(now.getTime() / 60_000) * 60_000;
  const hourAgo = new Date(endMinute - 59 * 60_000);
  const dayAgo = new Date(now.getTime() - 86_400_000);
  const db = pool();
  const [aggregates, pending, control, haltedCohorts, haltedAgents, agents, containment] = await Promise.all([
    readReplicaOk((r) =>
      Promise.all([
        r.query<MixRow & { minute: Date }>(`SELECT date_trunc('minute', created_at) AS minute, ${MIX} FROM actions WHERE created_at >= $1 GROUP BY 1`, [hourAgo]),
        cohortRates(dayAgo, r),
        r.query<MixRow & { id: string; name: string; cohort: string; halted: boolean }>(
          `SELECT s.agent_id AS id, a.name, c.name AS cohort, false AS halted, s.allowed, s.denied, s.escalated
             FROM (SELECT agent_id, ${MIX}, count(*) AS n FROM actions WHERE created_at >= $1 GROUP BY agent_id ORDER BY n DESC LIMIT 8) s
             JOIN agents a ON a.id = s.agent_id JOIN cohorts c ON c.id = a.cohort_id ORDER BY s.n DESC, a.name`,
          [dayAgo],
        ),
        firedPolicies(dayAgo, r),
      ]),
    ),
    db.query<{ count: number; oldest: Date | null }>(`SELECT count(*)::int AS count, min(created_at) AS oldest FROM actions WHERE ${awaitingDecisionSql()}`),
    db.query<{ halted_at: Date | null; halt_reason: string | null; halted_by: string | null }>(`SELECT halted_at, halt_reason, halted_by FROM control_state WHERE id = 1`),
    db.query<{ name: string; halted_at: Date; halt_reason: string | null }>(`SELECT name, halted_at, halt_reason FROM cohorts WHERE halted_at IS NOT NULL ORDER BY halted_at DESC`),
    db.query<{ id: string; name: string; cohort: string; halted_at: Date; halt_reason: string | null }>(
      `SELECT a.id, a.name, c.name AS cohort, a.halted_at, a.halt_reason FROM agents a JOIN cohorts c ON c.id = a.cohort_id WHERE a.halted_at IS NOT NULL ORDER BY a.halted_at DESC`,
    ),
    db.query<{ total: number; halted: number }>(
      `SELECT count(*)::int AS total, count(*) FILTER (WHERE ${haltedSql({ agent: "a", cohort: "c" })})::int AS halted FROM agents a JOIN cohorts c ON c.id = a.cohort_id`,
    ),
    containmentSummary(),
  ]);
  const [minutes, replicaCohorts, busiest, topPolicies] = aggregates.value;
  // Halts as the primary has them now (the same rule as haltedSql: global, cohort, agent).
  const globalHalt = Boolean(control.rows[0]?.halted_at);
  const cohortHalted = new Set(haltedCohorts.rows.map((c) => c.name));
  const agentHalted = new Set(haltedAgents.rows.map((a) => a.id));
  const cohorts = replicaCohorts.map((c) => ({ ...c, halted: globalHalt || cohortHalted.has(c.cohort) }));

  const byMinute = new Map(minutes.rows.map((r) => [r.minute.getTime(), r]));
  const perMinute: MinuteBucket[] = [];
  for (let t = hourAgo.getTime(); t <= endMinute; t += 60_000) {
    const r = byMinute.get(t);
    perMinute.push({ minute: new Date(t).toISOString(), allowed: r?.allowed ?? 0, denied: r?.denied ?? 0, escalated: r?.escalated ?? 0 });
  }
  const sum = (rows: MixRow[]) => {
    const m = rows.reduce((acc, r) => ({ allowed: acc.allowed + r.allowed, denied: acc.denied + r.denied, escalated: acc.escalated + r.escalated }), { allowed: 0, denied: 0, escalated: 0 });
    return { ...m, total: total(m) };
  };

  const g = control.rows[0];
  return {
    generatedAt: now.toISOString(),
    perMinute,
    lastHour: sum(minutes.rows),
    lastDay: sum(cohorts),
    cohorts,
    pending: { count: pending.rows[0]?.count ?? 0, oldestAt: pending.rows[0]?.oldest?.toISOString() ?? null },
    halted: {
      global: g?.halted_at ? { at: g.halted_at.toISOString(), reason: g.halt_reason, by: g.halted_by } : null,
      cohorts: haltedCohorts.rows.map((c) => ({ name: c.name, at: c.halted_at.toISOString(), reason: c.halt_reason })),
      agents: haltedAgents.rows.map((a) => ({ id: a.id, name: a.name, cohort: a.cohort, at: a.halted_at.toISOString(), reason: a.halt_reason })),
    },
    busiestAgents: busiest.rows.map((r) => ({ id: r.id, name: r.name, cohort: r.cohort, halted: globalHalt || cohortHalted.has(r.cohort) || agentHalted.has(r.id), allowed: r.allowed, denied: r.denied, escalated: r.escalated, total: total(r) })),
    agents: { total: agents.rows[0]?.total ?? 0, halted: agents.rows[0]?.halted ?? 0 },
    topPolicies,
    containment,
    readFrom: aggregates.source,
  };
}

/** Every cohort's decisions since `since` (default: the last 24 hours), with its deny and escalation rates;
 * on `db` (default the primary; the overview passes the replica and overlays the halts). */
export async function cohortRates(since: Date = new Date(Date.now() - 86_400_000), db: ReadDb = pool()): Promise<CohortRates[]> {
  const { rows } = await db.query<MixRow & { cohort: string; halted: boolean }>(
    `SELECT c.name AS cohort, ${haltedSql({ cohort: "c" })} AS halted, coalesce(s.allowed, 0) AS allowed, coalesce(s.denied, 0) AS denied, coalesce(s.escalated, 0) AS escalated
       FROM cohorts c LEFT JOIN (SELECT cohort, ${MIX} FROM actions WHERE created_at >= $1 GROUP BY cohort) s ON s.cohort = c.name ORDER BY c.name`,
    [since],
  );
  return rows.map((r) => {
    const n = total(r);
    return { cohort: r.cohort, halted: r.halted, allowed: r.allowed, denied: r.denied, escalated: r.escalated, total: n, denyRate: rate(r.denied, n), escalationRate: rate(r.escalated, n) };
  });
}

/** The policies that matched most since `since`: enforced reasons and shadow matches, ranked together. */
async function firedPolicies(since: Date, db: ReadDb): Promise<FiredPolicy[]> {
  const { rows } = await db.query<{ policy_id: string; name: string; effect: string; fired: number; shadow: number }>(
    `SELECT r->>'policyId' AS policy_id, max(r->>'policyName') AS name, max(r->>'effect') AS effect,
            count(*) FILTER (WHERE NOT m.shadow)::int AS fired, count(*) FILTER (WHERE m.shadow)::int AS shadow
       FROM actions a
       CROSS JOIN LATERAL (SELECT x, false AS shadow FROM jsonb_array_elements(a.reasons) x
                           UNION ALL SELECT x, true FROM jsonb_array_elements(a.shadow) x) m(r, shadow)
      WHERE a.created_at >= $1 AND (a.reasons <> '[]'::jsonb OR a.shadow <> '[]'::jsonb) AND r ? 'policyId'
      GROUP BY 1 ORDER BY count(*) DESC, 2 LIMIT 8`,
    [since],
  );
  return rows.map((r) => ({ policyId: r.policy_id, name: r.name, effect: r.effect, fired: r.fired, shadow: r.shadow }));
}
