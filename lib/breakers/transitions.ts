import { settlePending } from "../actions/index.ts";
import { appendAuditEvents } from "../audit/index.ts";
import { withPgTransaction, type SqlRunner } from "../db/index.ts";
import { CHANNEL, notifySql } from "../events/index.ts";
import { HALT_LOCK } from "../killswitch/index.ts";
import { bucketSql } from "../signals/index.ts";
import { enqueueWebhook, type ContainmentScope } from "../webhooks/index.ts";
import { circuitReason } from "./gate.ts";
import type { OpenedBecause } from "./present.ts";

type Row = {
  id: string;
  name: string;
  state: "CLOSED" | "OPEN" | "HALF_OPEN";
  scope_kind: "AGENT" | "COHORT";
  scope_value: string;
  opens: "AGENT" | "COHORT";
  held_kind: "AGENT" | "COHORT" | null;
  held_value: string | null;
  opened_at: Date | null;
  closed_at: Date | null;
};

async function scopeOf(run: SqlRunner, kind: "AGENT" | "COHORT", value: string): Promise<ContainmentScope> {
  if (kind === "COHORT") return { kind: "cohort", id: value, name: value };
  const a = (await run<{ name: string }>(`SELECT name FROM agents WHERE id = $1`, [value]))[0];
  return { kind: "agent", id: value, name: a?.name ?? value };
}

/** What an opening breaker holds: the agent its metric is about, that agent's cohort, or the cohort. */
async function target(run: SqlRunner, b: Row): Promise<{ kind: "AGENT" | "COHORT"; value: string } | null> {
  if (b.scope_kind === "COHORT") return { kind: "COHORT", value: b.scope_value };
  if (b.opens === "AGENT") return { kind: "AGENT", value: b.scope_value };
  const a = (await run<{ cohort: string }>(`SELECT c.name AS cohort FROM agents a JOIN cohorts c ON c.id = a.cohort_id WHERE a.id = $1`, [b.scope_value]))[0];
  return a ? { kind: "COHORT", value: a.cohort } : null;
}

/**
 * Opens a breaker: takes HALT_LOCK exclusively (so it commits after every decision in flight
 * and before any later one, on every instance — the halt's proof), marks it open holding its
 * target, rejects the pending actions it covers through the lifecycle (`settlePending`,
 * cause `breaker`), and records `breaker.opened` (audit + webhook + NOTIFY). Only from the
 * state the caller saw (`from`, and for a closed breaker the `samplesSince` it evaluated),
 * so concurrent evaluators open it once. Returns whether it opened.
 */
export async function openBreaker(id: string, from: { state: "CLOSED" | "HALF_OPEN"; samplesSince?: Date }, because: OpenedBecause): Promise<boolean> {
  return withPgTransaction(async (run) => {
    await run(`SELECT pg_advisory_xact_lock(${HALT_LOCK})`, []);
    const b = (await run<Row>(`SELECT id, name, state, scope_kind, scope_value, opens, held_kind, held_value, opened_at, closed_at FROM breakers WHERE id = $1 FOR UPDATE`, [id]))[0];
    if (!b || b.state !== from.state) return false;
    const held = await target(run, b);
    if (!held) return false;
    const opened = await run<{ opened_at: Date }>(
      `UPDATE breakers SET state = 'OPEN', held_kind = $2::"ScopeKind", held_value = $3, opened_at = clock_timestamp(), opened_because = $4::jsonb,
              half_open_at = NULL, probes_admitted = 0, value = $5, samples = $6, evaluated_at = clock_timestamp(), updated_at = clock_timestamp()
        WHERE id = $1 AND state = $7::"BreakerState" ${from.samplesSince ? "AND samples_since = $8" : ""} RETURNING opened_at`,
      [id, held.kind, held.value, JSON.stringify(because), because.value, because.samples, from.state, ...(from.samplesSince ? [from.samplesSince] : [])],
    );
    if (!opened[0]) return false;
    const reason = circuitReason({ id, name: b.name, state: "OPEN", held_kind: held.kind, held_value: held.value, opened_because: because });
    const rejected = await settlePending(run, {
      target: held.kind === "AGENT" ? { agentId: held.value } : { cohort: held.value },
      outcome: "rejected",
      cause: "breaker",
      reason: { ...reason, message: `Rejected by breaker ${b.name}: ${because.message}` },
      actor: "system",
      by: `breaker:${b.name}`,
    });
    const [scope, holds] = await Promise.all([scopeOf(run, b.scope_kind, b.scope_value), scopeOf(run, held.kind, held.value)]);
    const payload = {
      breakerId: id,
      name: b.name,
      scope,
      holds,
      cause: because.cause,
      metric: because.metric,
      value: because.value,
      threshold: because.threshold,
      samples: because.samples,
      windowSeconds: because.windowSeconds,
      message: because.message,
      openedAt: opened[0].opened_at.toISOString(),
      rejectedPending: rejected.length,
    };
    await appendAuditEvents(run, [{ actor: "system", kind: "breaker.opened", subject: `breaker:${id}`, ...(held.kind === "AGENT" ? { agentId: held.value } : { cohort: held.value }), data: { ...payload } }]);
    await enqueueWebhook(run, "breaker.opened", payload);
    await run(notifySql, [CHANNEL.breakers, id]);
    return true;
  });
}

/**
 * Closes a breaker — a person's reset (with a reason) or passing probes — and restarts its
 * samples from now (never from the bucket it opened in), so the spike that opened it can't
 * open it again. Loosening needs no lock. Records `breaker.closed` (audit + webhook + NOTIFY).
 * Returns false when it was already closed.
 */
export async function closeBreaker(id: string, how: { cause: "reset" | "probes" | "deleted"; actor: string; by: string; reason: string; from?: "HALF_OPEN" }): Promise<boolean> {
  return withPgTransaction(async (run) => {
    const b = (await run<Row>(`SELECT id, name, state, scope_kind, scope_value, opens, held_kind, held_value, opened_at, closed_at FROM breakers WHERE id = $1 FOR UPDATE`, [id]))[0];
    if (!b || b.state === "CLOSED" || (how.from && b.state !== how.from)) return false;
    const since = how.cause === "reset" ? `greatest(${bucketSql("clock_timestamp()")}, ${bucketSql("coalesce(opened_at, '-infinity')")} + interval '10 seconds')` : "samples_since";
    const closed = (
      await run<{ closed_at: Date }>(
        `UPDATE breakers SET state = 'CLOSED', closed_at = clock_timestamp(), samples_since = ${since}, held_kind = NULL, held_value = NULL,
                half_open_at = NULL, probes_admitted = 0, updated_at = clock_timestamp() WHERE id = $1 RETURNING closed_at`,
        [id],
      )
    )[0]!;
    const holds = b.held_kind && b.held_value ? await scopeOf(run, b.held_kind, b.held_value) : null;
    const payload = { breakerId: id, name: b.name, holds, cause: how.cause, by: how.by, reason: how.reason, closedAt: closed.closed_at.toISOString() };
    await appendAuditEvents(run, [{ actor: how.actor, kind: "breaker.closed", subject: `breaker:${id}`, ...(holds?.kind === "agent" ? { agentId: holds.id } : holds ? { cohort: holds.id } : {}), data: { ...payload, wasState: b.state.toLowerCase() } }]);
    await enqueueWebhook(run, "breaker.closed", payload);
    await run(notifySql, [CHANNEL.breakers, id]);
    return true;
  });
}

/**
 * Half-opens every open breaker with half_open recovery whose cooldown has passed (the jobs
 * loop): from now it lets its probes through. Samples count from this bucket on. Returns the
 * ids it half-opened.
 */
export async function halfOpenDue(): Promise<string[]> {
  return withPgTransaction(async (run) => {
    const rows = await run<{ id: string; name: string; held_kind: "AGENT" | "COHORT" | null; held_value: string | null; probes: number | null }>(
      `UPDATE breakers SET state = 'HALF_OPEN', half_open_at = clock_timestamp(), probes_admitted = 0, updated_at = clock_timestamp(),
              samples_since = greatest(${bucketSql("clock_timestamp()")}, ${bucketSql("opened_at")} + interval '10 seconds')
        WHERE id IN (SELECT id FROM breakers WHERE state = 'OPEN' AND recovery_mode = 'half_open' AND opened_at + make_interval(secs => cooldown_seconds) <= clock_timestamp() FOR UPDATE SKIP LOCKED)
        RETURNING id, name, held_kind, held_value, probes`,
      [],
    );
    if (rows.length === 0) return [];
    await appendAuditEvents(
      run,
      rows.map((r) => ({
        actor: "system",
        kind: "breaker.half_opened" as const,
        subject: `breaker:${r.id}`,
        ...(r.held_kind === "AGENT" ? { agentId: r.held_value } : { cohort: r.held_value }),
        data: { name: r.name, probes: r.probes },
      })),
    );
    for (const r of rows) await run(notifySql, [CHANNEL.breakers, r.id]);
    return rows.map((r) => r.id);
  });
}
