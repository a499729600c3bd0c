import { pool } from "../db/index.ts";

/** What one agent did this hour, and its baseline over the 7 days before. */
export type AgentUsage = {
  agentId: string;
  /** The first hour with any activity within the 7 days (null: none before this hour). */
  firstHour: Date | null;
  current: { actions: Map<string, number>; kinds: Map<string, number>; pii: number };
  baseline: {
    actions: Set<string>;
    kinds: Set<string>;
    /** Per resource kind: the 99th percentile (nearest rank) of its hourly request counts, hours without activity counting 0. */
    kindP99: Map<string, number>;
    /** The same for requests carrying personal data. */
    piiP99: number;
  };
};

/** Hours in the baseline. */
export const BASELINE_HOURS = 168;
// Nearest-rank p99 of 168 hourly values is the value ranked 167th ascending: the 2nd largest.
const P99_RANK_FROM_TOP = BASELINE_HOURS - Math.ceil(0.99 * BASELINE_HOURS) + 1;

/**
 * Hourly usage (lib/signals' `signal_usage`: requests per agent, hour, action and resource
 * kind) of every agent active in the current hour, against its previous 7 days. Four
 * aggregate queries, reading only the active agents' rows. `hour` is PostgreSQL's
 * `date_trunc('hour', now())` unless given.
 */
export async function agentUsage(opts: { hour?: Date } = {}): Promise<{ hour: Date; agents: AgentUsage[] }> {
  const db = pool();
  const hour = opts.hour ?? (await db.query<{ h: Date }>(`SELECT date_trunc('hour', now()) AS h`)).rows[0]!.h;
  const from = new Date(hour.getTime() - BASELINE_HOURS * 3_600_000);
  const cur = await db.query<{ agent_id: string; action: string; resource_kind: string; requests: number; pii: number }>(
    `SELECT agent_id, action, resource_kind, sum(requests)::int AS requests, sum(pii)::int AS pii
       FROM signal_usage WHERE hour = $1 AND version = '' GROUP BY 1, 2, 3`,
    [hour],
  );
  const agents = new Map<string, AgentUsage>();
  for (const r of cur.rows) {
    let a = agents.get(r.agent_id);
    if (!a) {
      a = { agentId: r.agent_id, firstHour: null, current: { actions: new Map(), kinds: new Map(), pii: 0 }, baseline: { actions: new Set(), kinds: new Set(), kindP99: new Map(), piiP99: 0 } };
      agents.set(r.agent_id, a);
    }
    a.current.actions.set(r.action, (a.current.actions.get(r.action) ?? 0) + r.requests);
    if (r.resource_kind) a.current.kinds.set(r.resource_kind, (a.current.kinds.get(r.resource_kind) ?? 0) + r.requests);
    a.current.pii += r.pii;
  }
  const ids = [...agents.keys()];
  if (ids.length === 0) return { hour, agents: [] };
  const [seen, kindP99, piiP99] = await Promise.all([
    db.query<{ agent_id: string; first_hour: Date | null; actions: string[]; kinds: string[] }>(
      `SELECT agent_id, min(hour) AS first_hour, array_agg(DISTINCT action) AS actions, array_agg(DISTINCT resource_kind) AS kinds
         FROM signal_usage WHERE agent_id = ANY($1::text[]) AND version = '' AND hour >= $2 AND hour < $3 GROUP BY agent_id`,
      [ids, from, hour],
    ),
    db.query<{ agent_id: string; resource_kind: string; p99: number }>(
      `SELECT agent_id, resource_kind, v AS p99 FROM (
         SELECT agent_id, resource_kind, v, row_number() OVER (PARTITION BY agent_id, resource_kind ORDER BY v DESC) AS rank
           FROM (SELECT agent_id, resource_kind, hour, sum(requests)::int AS v FROM signal_usage
                  WHERE agent_id = ANY($1::text[]) AND version = '' AND hour >= $2 AND hour < $3 AND resource_kind <> '' GROUP BY 1, 2, 3) h) ranked
        WHERE rank = $4`,
      [ids, from, hour, P99_RANK_FROM_TOP],
    ),
    db.query<{ agent_id: string; p99: number }>(
      `SELECT agent_id, v AS p99 FROM (
         SELECT agent_id, v, row_number() OVER (PARTITION BY agent_id ORDER BY v DESC) AS rank
           FROM (SELECT agent_id, hour, sum(pii)::int AS v FROM signal_usage
                  WHERE agent_id = ANY($1::text[]) AND version = '' AND hour >= $2 AND hour < $3 GROUP BY 1, 2 HAVING sum(pii) > 0) h) ranked
        WHERE rank = $4`,
      [ids, from, hour, P99_RANK_FROM_TOP],
    ),
  ]);
  for (const r of seen.rows) {
    const a = agents.get(r.agent_id)!;
    a.firstHour = r.first_hour;
    a.baseline.actions = new Set(r.actions);
    a.baseline.kinds = new Set(r.kinds.filter(Boolean));
  }
  for (const r of kindP99.rows) agents.get(r.agent_id)!.baseline.kindP99.set(r.resource_kind, r.p99);
  for (const r of piiP99.rows) agents.get(r.agent_id)!.baseline.piiP99 = r.p99;
  return { hour, agents: [...agents.values()] };
}
