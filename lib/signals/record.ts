import type pg from "pg";
import { prepared, type SqlRunner } from "../db/index.ts";
import { bucketSql } from "./buckets.ts";
import { COUNTERS, dbScopeKind, scopeKey, zeroCounters, type Counters, type ScopeRef } from "./counters.ts";

/** One new decision, as the signals count it. */
export type DecisionSignal = {
  agentId: string;
  cohort: string;
  /** The agent version the decision ran under, when agents have versions. */
  version?: string | null;
  outcome: "allowed" | "denied" | "escalated" | "stopped";
  action: string;
  resource: string;
  /** Whether the request carried personal data (PII redaction replaced something). */
  pii: boolean;
};

/** The scopes a decision of this agent counts in: the agent, its cohort, and the agent's version when it has one. */
export function scopesOf(s: { agentId: string; cohort: string; version?: string | null }): ScopeRef[] {
  const out: ScopeRef[] = [
    { kind: "agent", id: s.agentId },
    { kind: "cohort", id: s.cohort },
  ];
  if (s.version) out.push({ kind: "agent", id: s.agentId, version: s.version });
  return out;
}

/**
 * The kind of a resource: what precedes its first `:` (`sku:LUX-1` → `sku`,
 * `customer:C-1` → `customer`); `redacted` when PII redaction replaced the start of it; `""`
 * for an empty resource or one without a kind.
 */
export function resourceKind(resource: string): string {
  if (resource.startsWith("[redacted:")) return "redacted";
  const i = resource.indexOf(":");
  return i > 0 ? resource.slice(0, Math.min(i, 64)) : "";
}

const COUNTERS_SQL = `INSERT INTO signal_counters (scope_kind, scope_id, version, bucket, shard, ${COUNTERS.join(", ")})
  SELECT k, i, v, ${bucketSql("now()")}, $4::int, ${COUNTERS.map((c) => `x.${c}`).join(", ")}
    FROM unnest($1::"ScopeKind"[], $2::text[], $3::text[], ${COUNTERS.map((_, n) => `$${n + 5}::int[]`).join(", ")}) AS x(k, i, v, ${COUNTERS.join(", ")})
  ON CONFLICT (scope_kind, scope_id, version, bucket, shard) DO UPDATE SET ${COUNTERS.map((c) => `${c} = signal_counters.${c} + EXCLUDED.${c}`).join(", ")}`;

/** The upsert of the scopes' counters (prepared: one text whatever the number of scopes). */
function countersSql(adds: Map<string, { scope: ScopeRef; add: Counters }>, shard: number): pg.QueryConfig | null {
  if (adds.size === 0) return null;
  // Sorted: writers that share a shard lock rows in one order (unnest keeps the array order).
  const rows = [...adds.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, r]) => r);
  return prepared(COUNTERS_SQL, [
    rows.map(({ scope }) => dbScopeKind(scope.kind)),
    rows.map(({ scope }) => scope.id),
    rows.map(({ scope }) => scope.version ?? ""),
    shard,
    ...COUNTERS.map((c) => rows.map(({ add }) => Math.trunc(add[c]))),
  ]);
}

const RESOURCES_SQL = `INSERT INTO signal_resources (scope_kind, scope_id, version, bucket, shard, resource)
  SELECT k, i, v, ${bucketSql("now()")}, $4::int, r FROM unnest($1::"ScopeKind"[], $2::text[], $3::text[], $5::text[]) AS x(k, i, v, r)
  ON CONFLICT DO NOTHING`;

const USAGE_SQL = `INSERT INTO signal_usage (agent_id, version, hour, action, resource_kind, shard, requests, pii)
  SELECT a, v, date_trunc('hour', now()), act, kind, $4::int, n, p FROM unnest($1::text[], $2::text[], $3::text[], $5::text[], $6::int[], $7::int[]) AS x(a, v, act, kind, n, p)
  ON CONFLICT (agent_id, version, hour, action, resource_kind, shard) DO UPDATE SET requests = signal_usage.requests + EXCLUDED.requests, pii = signal_usage.pii + EXCLUDED.pii`;

function addTo(adds: Map<string, { scope: ScopeRef; add: Counters }>, scope: ScopeRef, counter: Partial<Counters>) {
  const key = scopeKey(scope);
  let entry = adds.get(key);
  if (!entry) adds.set(key, (entry = { scope, add: zeroCounters() }));
  for (const [c, n] of Object.entries(counter) as [keyof Counters, number][]) entry.add[c] += n;
}

/**
 * The statements (prepared, for the group commit's last round trip) that count a batch of
 * new decisions: one upsert of `signal_counters` (one row per scope for the whole batch,
 * aggregated here), one insert of the resources touched by the scopes `tracksResources`
 * names (a set: ON CONFLICT DO NOTHING), and one upsert of the hourly usage per agent, action
 * and resource kind. `shard` is the audit chain the transaction holds, so concurrent batches
 * never wait on each other's rows. Empty input → no statements.
 */
export function decisionSignalsSql(signals: DecisionSignal[], opts: { shard: number; tracksResources?: (scope: ScopeRef) => boolean }): pg.QueryConfig[] {
  if (signals.length === 0) return [];
  const adds = new Map<string, { scope: ScopeRef; add: Counters }>();
  const resources = new Map<string, { scope: ScopeRef; resource: string }>();
  const usage = new Map<string, { agentId: string; version: string; action: string; kind: string; requests: number; pii: number }>();
  for (const s of signals) {
    const counter: Partial<Counters> = s.outcome === "stopped" ? { stopped: 1 } : { decisions: 1, [s.outcome]: 1, ...(s.pii ? { pii: 1 } : {}) };
    for (const scope of scopesOf(s)) {
      addTo(adds, scope, counter);
      if (s.outcome !== "stopped" && opts.tracksResources?.(scope)) resources.set(`${scopeKey(scope)}\u0000${s.resource}`, { scope, resource: s.resource });
    }
    const kind = resourceKind(s.resource);
    const version = s.version ?? "";
    const uk = `${s.agentId}\u0000${version}\u0000${s.action}\u0000${kind}`;
    const u = usage.get(uk) ?? { agentId: s.agentId, version, action: s.action, kind, requests: 0, pii: 0 };
    u.requests++;
    if (s.pii) u.pii++;
    usage.set(uk, u);
  }
  const out = [countersSql(adds, opts.shard)!];
  if (resources.size) {
    const rows = [...resources.values()];
    out.push(prepared(RESOURCES_SQL, [rows.map(({ scope }) => dbScopeKind(scope.kind)), rows.map(({ scope }) => scope.id), rows.map(({ scope }) => scope.version ?? ""), opts.shard, rows.map((r) => r.resource)]));
  }
  const rows = [...usage.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, u]) => u);
  out.push(prepared(USAGE_SQL, [rows.map((u) => u.agentId), rows.map((u) => u.version), rows.map((u) => u.action), opts.shard, rows.map((u) => u.kind), rows.map((u) => u.requests), rows.map((u) => u.pii)]));
  return out;
}

/** A shard for writers that hold no audit chain of their own choosing (settlements, results). */
export function randomShard(): number {
  return Math.floor(Math.random() * 16);
}

/**
 * Counts events that are not new decisions — settled escalations, reported results — for each
 * agent (and its cohort, and version) in the current bucket, inside the caller's transaction:
 * one upsert whatever the number of events.
 */
export async function recordCounters(run: SqlRunner, events: { agentId: string; cohort: string; version?: string | null; add: Partial<Counters> }[], shard: number = randomShard()): Promise<void> {
  const adds = new Map<string, { scope: ScopeRef; add: Counters }>();
  for (const e of events) for (const scope of scopesOf(e)) addTo(adds, scope, e.add);
  const st = countersSql(adds, shard);
  if (st) await run(st.text, st.values ?? []);
}
