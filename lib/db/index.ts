/**
 * The database: one Prisma 7 client (with the pg adapter; secret columns omitted by default)
 * and the pg pool under it for hand-written hot-path SQL, shared by every module in the
 * process; `SqlRunner` and its makers for code that must run in either kind of transaction;
 * `pipeline`/`prepared` for the group commit's round trips (pipeline.ts).
 * Throws at first use when DATABASE_URL is unset.
 */
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.ts";
import { cachedReplicaStatus, createReplica, replicaMaxLagMs, type ReadSource, type Replica, type ReplicaStatus } from "./replica.ts";

export { Prisma } from "./generated/client.ts";
export type * from "./generated/client.ts";
export { Role, RiskTier, TokenKind } from "./generated/enums.ts";
export { REPLICA_PROBE_MS, replicaMaxLagMs, type ReadSource, type ReplicaState, type ReplicaStatus } from "./replica.ts";
export { pipeline, prepared, textArrayLiteral, type Statement } from "./pipeline.ts";


// server.ts (run by tsx) and the Next.js bundle each load their own copy of this module
// in the same process; keeping the client on globalThis gives both one pool.
const KEY = Symbol.for("warden.db");

// BIGINT columns (audit seq) come back as strings from pg; numbers stay exact below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
});

/**
 * How long the database may take before a request fails fast (`WARDEN_DB_TIMEOUT_MS`, default
 * 2000 ms): connecting, and waiting for a pooled connection, on every pool; on the decision
 * pool also each statement (server-side `statement_timeout`, so PostgreSQL cancels it and rolls
 * back) and, half a second later, the reply itself (client-side, for a server that hangs
 * without closing the socket).
 */
export function dbTimeoutMs(): number {
  const v = Number(process.env.WARDEN_DB_TIMEOUT_MS ?? 2000);
  return Number.isFinite(v) && v > 0 ? v : 2000;
}

/** Connections of the decision pool: the group commit's transactions in flight, and its probe. */
export const DECISION_POOL_SIZE = 6;

function create() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start Warden with `npm start`, which provides it");
  const timeout = dbTimeoutMs();
  const pool = new pg.Pool({
    connectionString: url,
    max: Number(process.env.WARDEN_DB_POOL_SIZE ?? 20),
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: timeout,
    keepAlive: true,
    application_name: "warden",
  });
  pool.on("error", (err) => console.error("[db] idle client error:", err.message));
  // The decision path's own small pool, with every wait bounded: a decision that can't be made
  // durable in time fails fast (503) instead of queueing behind a dead or hung database.
  const decisionPool = new pg.Pool({
    connectionString: url,
    max: DECISION_POOL_SIZE,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: timeout,
    statement_timeout: timeout,
    query_timeout: timeout + 500,
    keepAlive: true,
    application_name: "warden-decisions",
    // The group commit sends each round trip's statements at once (pipeline.ts).
    pipeline: true,
  });
  decisionPool.on("error", (err) => console.error("[db] idle decision client error:", err.message));
  // A few connections of their own for the kill switch (halt, resume): never behind a pool
  // slot held by other work, and pipelined like the group commit, so a halt's round trips stay few.
  // Halts queue on HALT_LOCK anyway; a few connections, and a wait for one as long as Prisma's
  // transaction maxWait was (10 s), so concurrent halts wait their turn instead of failing.
  // Once open, one connection stays however long the kill switch sits unused (`min`; opened at
  // start by warmControlPool): the first halt after a quiet hour doesn't pay a connection's
  // start-up. pg-pool doesn't reopen it by itself if it breaks (a database restart): the next
  // halt does.
  const controlPool = new pg.Pool({
    connectionString: url,
    max: 4,
    min: 1,
    idleTimeoutMillis: 30_000,
    connectionTimeoutMillis: Math.max(timeout, 10_000),
    keepAlive: true,
    application_name: "warden-control",
    pipeline: true,
  });
  controlPool.on("error", (err) => console.error("[db] idle control client error:", err.message));
  // pg-pool listens for errors only on idle clients: a checked-out client whose server dies
  // emits 'error' with no listener, which would crash the process. Its queries are rejected
  // anyway (that is where callers see the failure), so the event itself needs no handling.
  for (const p of [pool, decisionPool, controlPool]) p.on("connect", (client) => client.on("error", () => undefined));
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool, { disposeExternalPool: false }),
    // Secrets never leave the data layer unless a query asks for them by name.
    omit: {
      user: { passwordHash: true },
      apiToken: { tokenHash: true },
      agentKey: { keyHash: true },
    },
  });
  const replicaUrl = process.env.DATABASE_REPLICA_URL;
  const replica: Replica | null = replicaUrl ? createReplica(replicaUrl, Math.min(timeout, 1000)) : null;
  return { pool, decisionPool, controlPool, prisma, replica };
}

type Db = ReturnType<typeof create>;
type Holder = { [KEY]?: Db };

function db(): Db {
  const g = globalThis as Holder;
  return (g[KEY] ??= create());
}

/** The one Prisma client. */
export type Client = Db["prisma"];

export function prisma(): Client {
  return db().prisma;
}

/** The pg pool under it, for the data plane's hand-written hot-path SQL. */
export function pool(): pg.Pool {
  return db().pool;
}

/**
 * The decision path's pool (the data plane's group commit): connect, pool wait, statements and
 * replies bounded by `dbTimeoutMs()`. Release a client with the error that broke it
 * (`client.release(err)`), so a connection left mid-query is closed, not reused.
 */
export function decisionPool(): pg.Pool {
  return db().decisionPool;
}

/**
 * The kill switch's own small pool (halt and resume; pipeline mode, see pipeline.ts): a halt
 * never waits for a connection other work holds. Release a client with the error that broke it.
 */
export function controlPool(): pg.Pool {
  return db().controlPool;
}

/**
 * Opens the control pool's standing connection (see controlPool) ahead of the first halt, on a
 * process that serves the control plane. Never throws: a database that isn't reachable yet is
 * the first halt's to report.
 */
export async function warmControlPool(): Promise<void> {
  await db()
    .controlPool.query("SELECT 1")
    .catch(() => undefined);
}

/** A transaction client, as handed to `prisma().$transaction(async (tx) => …)`. */
export type Tx = Parameters<Parameters<Client["$transaction"]>[0]>[0];

export async function closeDb(): Promise<void> {
  const g = globalThis as Holder;
  const d = g[KEY];
  if (!d) return;
  delete g[KEY];
  await d.prisma.$disconnect();
  await Promise.all([d.pool.end(), d.decisionPool.end(), d.controlPool.end(), d.replica?.pool.end()]);
}

/** What a replica-ok read runs its queries on (the replica's pool or the primary's). */
export type ReadDb = Pick<pg.Pool, "query">;

/**
 * THE way to read from the read replica (`DATABASE_REPLICA_URL`): for reads marked
 * "replica-ok" only — the dashboard's aggregates, the audit explorer, history lists — whose
 * callers accept data up to `WARDEN_REPLICA_MAX_LAG_MS` old. Never for the decision path,
 * approvals, halts, breakers, budgets, sessions, or anything read then written: those use
 * `pool()` / `prisma()` (the primary) as before.
 *
 * Runs `read` on the replica when one is configured, is a standby and is within the lag bound
 * (probed at most once a second, lib/db/replica.ts); otherwise — and when the read fails on
 * the replica — runs it on the primary. A replica never causes an error of its own.
 *
 * @returns the read's value and where it was served (`{server: "replica", lagMs}` or
 *   `{server: "primary", reason, lagMs}`), for the "served from replica, lag X ms" indication.
 * @throws whatever `read` throws on the primary.
 */
export async function readReplicaOk<T>(read: (db: ReadDb) => Promise<T>): Promise<{ value: T; source: ReadSource }> {
  const d = db();
  if (!d.replica) return { value: await read(d.pool), source: { server: "primary", reason: "not_configured", lagMs: null } };
  const status = await cachedReplicaStatus(d.replica, d.pool);
  if (status.state === "streaming" && status.lagMs !== null) {
    try {
      return { value: await read(d.replica.pool), source: { server: "replica", lagMs: status.lagMs } };
    } catch (err) {
      console.error("[db] replica read failed, served from the primary:", (err as Error).message);
      // Until the next probe, reads go straight to the primary.
      d.replica.status = { ...status, state: "unreachable", lagMs: null, checkedAt: new Date().toISOString() };
      d.replica.probedAt = Date.now();
      return { value: await read(d.pool), source: { server: "primary", reason: "read_failed", lagMs: null } };
    }
  }
  const reason = status.state === "streaming" ? "lagging" : status.state;
  return { value: await read(d.pool), source: { server: "primary", reason, lagMs: status.lagMs } };
}

/** The read replica's status (probed at most once a second); `not_configured` without DATABASE_REPLICA_URL. Never throws. */
export async function replicaStatus(): Promise<ReplicaStatus> {
  const d = db();
  if (!d.replica) return { state: "not_configured", lagMs: null, maxLagMs: replicaMaxLagMs(), replayPaused: false, checkedAt: null };
  return cachedReplicaStatus(d.replica, d.pool);
}

/**
 * The smallest database surface a multi-step write needs: run one statement, get its rows.
 * Lets one implementation (the audit chain, the action lifecycle) run inside a Prisma
 * transaction (`txRunner`) or on a pg client holding a transaction (`clientRunner`).
 */
export type SqlRunner = <T = Record<string, unknown>>(sql: string, params: unknown[]) => Promise<T[]>;

/** A SqlRunner on a Prisma interactive transaction. */
export function txRunner(tx: Tx): SqlRunner {
  return <T>(sql: string, params: unknown[]) => tx.$queryRawUnsafe<T[]>(sql, ...params);
}

/** A SqlRunner on a pg client (the caller owns BEGIN/COMMIT). */
export function clientRunner(client: pg.PoolClient | pg.Client): SqlRunner {
  return async <T>(sql: string, params: unknown[]) => (await client.query(sql, params)).rows as T[];
}

/**
 * Runs `fn` in a transaction on a pooled pg client (BEGIN … COMMIT, ROLLBACK on any error),
 * for hand-written SQL outside Prisma (jobs, the lifecycle's sweeps).
 */
export async function withPgTransaction<T>(fn: (run: SqlRunner, client: pg.PoolClient) => Promise<T>): Promise<T> {
  const client = await pool().connect();
  try {
    await client.query("BEGIN");
    const out = await fn(clientRunner(client), client);
    await client.query("COMMIT");
    return out;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}
