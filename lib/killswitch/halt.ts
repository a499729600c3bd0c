import type pg from "pg";
import { z } from "zod";
import { settlePending } from "../actions/index.ts";
import { openChainStatements, takeChain, writeEventsSql, type AuditInput, type ChainHead } from "../audit/index.ts";
import { clientRunner, controlPool, pipeline, pool, type SqlRunner, type Statement } from "../db/index.ts";
import { notFound } from "../errors/index.ts";
import { CHANNEL, notifyManySql } from "../events/index.ts";
import { actorName } from "../users/index.ts";
import { enqueueSql } from "../webhooks/index.ts";
import { flippedOf, flipSwitchSql, type Flipped, type Scope } from "./flip-switch.ts";
import { HALT_LOCK, HALT_REASON_CODE } from "./halt-state.ts";

export type { Scope } from "./flip-switch.ts";

export const haltSchema = z.strictObject({ reason: z.string().trim().min(3, "say why (at least 3 characters)").max(500) });
export const resumeSchema = z.strictObject({ reason: z.string().trim().max(500).optional() });

export type HaltResult = { scope: Scope["kind"]; target: string; status: "halted" | "active"; reason: string | null; rejectedPending: number };

/** The longest any statement of a halt may take (the wait for HALT_LOCK included). */
const HALT_TIMEOUT_MS = 30_000;

const WHAT = { agent: "Agent", cohort: "Cohort", global: "Control state" } as const;

/**
 * Runs `fn` on a connection of the kill switch's own pool (controlPool); `fn` opens the transaction itself (its
 * first statement is BEGIN, batched with what follows) and commits it (COMMIT batched with its
 * last statements). Any error rolls back; a connection that can't even roll back is closed.
 */
async function inTransaction<T>(fn: (client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await controlPool().connect();
  try {
    const out = await fn(client);
    client.release();
    return out;
  } catch (err) {
    const broken = await client.query("ROLLBACK").then(
      () => undefined,
      (e: unknown) => (e instanceof Error ? e : new Error(String(e))),
    );
    client.release(broken);
    throw err;
  }
}

/** Two round trips: the audit chain for one event; then the event, NOTIFY on `halts`, `tail` statements, and COMMIT. */
async function auditNotifyCommit(client: pg.PoolClient, event: AuditInput, scope: Scope, tail: Statement[]): Promise<void> {
  const run = clientRunner(client);
  const opened = await pipeline(client, openChainStatements(1));
  const slot = await takeChain(run, 1, { head: opened[0]!.rows[0] as ChainHead | undefined, seqs: opened[1]!.rows as { seq: number }[] });
  await pipeline(client, [...writeEventsSql(slot, [event]), notifyManySql(CHANNEL.halts, [JSON.stringify(scope)]), ...tail, "COMMIT"]);
}

/**
 * Halts an agent, a cohort or everything, and rejects the pending actions it covers through
 * the lifecycle's `settlePending` (audited, notified and sent as `approval.decided`, cause
 * `halt`). Holds HALT_LOCK exclusively, so once this returns nothing it covers is allowed on
 * any instance. Throws not_found for an unknown agent or cohort.
 *
 * Four round trips to PostgreSQL when nothing was pending (a halt called while the data plane
 * is saturated waits for the event loop once per round trip, so each counts): (1) BEGIN, the
 * lock, the flip; (2) settlePending; (3) the audit chain (taken after settlePending, which may
 * lock budgets: budgets before chain heads, as every writer of both); (4) the audit event,
 * NOTIFY, the webhook and COMMIT. The actor's name (for the webhook) is read on the general pool
 * while the control connection is taken, before HALT_LOCK.
 */
export async function halt({ scope, reason, actor }: { scope: Scope; reason: string; actor: string }): Promise<HaltResult> {
  // The actor's name, for the webhook, is read before HALT_LOCK is taken (never wait on the
  // general pool while holding it: decisions queue behind it); if it can't be read, the id serves.
  const poolRunner: SqlRunner = async (sql, params) => (await pool().query(sql, params)).rows;
  const byName = actorName(poolRunner, actor).catch(() => actor);
  return inTransaction(async (client) => {
    const by = await byName;
    const run = clientRunner(client);
    // Bounded like the Prisma transaction it replaces (30 s): a halt that can't finish fails, it doesn't hang.
    const opened = (await client.query(`BEGIN; SET LOCAL statement_timeout = ${HALT_TIMEOUT_MS}; SELECT pg_advisory_xact_lock(${HALT_LOCK}); ${flipSwitchSql(scope, { reason, actor })}`)) as unknown as pg.QueryResult[];
    const r: Flipped | null = flippedOf(scope, opened[3]!.rows);
    if (!r) throw notFound(WHAT[scope.kind]);
    const rejected = await settlePending(run, {
      target: r.settle,
      outcome: "rejected",
      cause: "halt",
      reason: { code: HALT_REASON_CODE[scope.kind], message: `Rejected by halt: ${reason}` },
      actor,
      by,
    });
    const event: AuditInput = { actor, kind: `${scope.kind}.halted`, ...r.audit, data: { ...r.audit.data, reason, rejectedPending: rejected.length } };
    await auditNotifyCommit(client, event, scope, [enqueueSql(`${scope.kind}.halted`, { target: r.target, reason, by, rejectedPending: rejected.length })]);
    return { scope: scope.kind, target: r.target, status: "halted" as const, reason, rejectedPending: rejected.length };
  });
}

/** Clears the switch of `scope` (audited with the reason it was halted for). Throws not_found. */
export async function resume({ scope, reason, actor }: { scope: Scope; reason?: string; actor: string }): Promise<HaltResult> {
  return inTransaction(async (client) => {
    const opened = (await client.query(`BEGIN; SET LOCAL statement_timeout = ${HALT_TIMEOUT_MS}; ${flipSwitchSql(scope, null)}`)) as unknown as pg.QueryResult[];
    const r = flippedOf(scope, opened[2]!.rows);
    if (!r) throw notFound(WHAT[scope.kind]);
    const event: AuditInput = { actor, kind: `${scope.kind}.resumed`, ...r.audit, data: { ...r.audit.data, reason: reason ?? null, haltReason: r.previousReason } };
    await auditNotifyCommit(client, event, scope, []);
    return { scope: scope.kind, target: r.target, status: "active" as const, reason: null, rejectedPending: 0 };
  });
}
