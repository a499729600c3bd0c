/**
 * The database: one Prisma 7 client (with the pg adapter; secret columns omitted by default)
 * and the pg pool under it for hand-written hot-path SQL, shared by every module in the
 * process; `SqlRunner` and its makers for code that must run in either kind of transaction.
 * Throws at first use when DATABASE_URL is unset.
 */
import pg from "pg";
import { PrismaPg } from "@prisma/adapter-pg";
import { PrismaClient } from "./generated/client.ts";

export { Prisma } from "./generated/client.ts";
export type * from "./generated/client.ts";
export { Role, RiskTier, TokenKind } from "./generated/enums.ts";


// server.ts (run by tsx) and the Next.js bundle each load their own copy of this module
// in the same process; keeping the client on globalThis gives both one pool.
const KEY = Symbol.for("warden.db");

// BIGINT columns (audit seq) come back as strings from pg; numbers stay exact below 2^53.
pg.types.setTypeParser(pg.types.builtins.INT8, (v: string) => {
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : v;
});

function create() {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error("DATABASE_URL is not set: start Warden with `npm start`, which provides it");
  const pool = new pg.Pool({
    connectionString: url,
    max: Number(process.env.WARDEN_DB_POOL_SIZE ?? 20),
    idleTimeoutMillis: 30_000,
    application_name: "warden",
  });
  pool.on("error", (err) => console.error("[db] idle client error:", err.message));
  const prisma = new PrismaClient({
    adapter: new PrismaPg(pool, { disposeExternalPool: false }),
    // Secrets never leave the data layer unless a query asks for them by name.
    omit: {
      user: { passwordHash: true },
      apiToken: { tokenHash: true },
      agentKey: { keyHash: true },
    },
  });
  return { pool, prisma };
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

/** A transaction client, as handed to `prisma().$transaction(async (tx) => …)`. */
export type Tx = Parameters<Parameters<Client["$transaction"]>[0]>[0];

export async function closeDb(): Promise<void> {
  const g = globalThis as Holder;
  const d = g[KEY];
  if (!d) return;
  delete g[KEY];
  await d.prisma.$disconnect();
  await d.pool.end();
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
