import { randomBytes } from "node:crypto";
import pg from "pg";
import { inject } from "vitest";
import { closeDb } from "../../lib/db/index.ts";
import { closeBus } from "../../lib/events/index.ts";

// Per-process state bound to one database: caches, waiters, the LISTEN connection.
async function resetProcessState() {
  // The decision circuit probes on a timer while open: stop it with its batcher.
  (globalThis as Record<symbol, { circuit?: { dispose(): void } } | undefined>)[Symbol.for("warden.decisionBatcher")]?.circuit?.dispose();
  await closeBus();
  await closeDb();
  (globalThis as Record<symbol, { stop?: () => void } | undefined>)[Symbol.for("warden.knowledgeReads")]?.stop?.();
  for (const k of ["warden.policyCache", "warden.identityCache", "warden.actionWaiters", "warden.decisionBatcher", "warden.redactionRules", "warden.knowledgeCache", "warden.knowledgeReads", "warden.teamDirectory", "warden.budgetCache", "warden.breakerWatch", "warden.breakerEvaluator"]) {
    delete (globalThis as Record<symbol, unknown>)[Symbol.for(k)];
  }
}

const created: string[] = [];

export async function adminQuery<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ ...inject("pg"), database: "postgres" });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Points lib/db at a new, empty (migrated) database cloned from the template. */
export async function switchToFreshDatabase(): Promise<string> {
  const conn = inject("pg");
  if (conn.host !== "127.0.0.1") throw new Error("refusing to run integration tests against a non-local database");
  const name = `t_${randomBytes(6).toString("hex")}`;
  await adminQuery((c) => c.query(`CREATE DATABASE ${name} TEMPLATE warden_template`));
  created.push(name);
  await resetProcessState();
  process.env.DATABASE_URL = `postgresql://${conn.user}:${conn.password}@${conn.host}:${conn.port}/${name}`;
  return process.env.DATABASE_URL;
}

export async function dropCreatedDatabases(): Promise<void> {
  await resetProcessState();
  for (const name of created.splice(0)) await adminQuery((c) => c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`));
}

/** A session with the append-only triggers switched off, as a superuser could. */
export async function asSuperuser<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: process.env.DATABASE_URL });
  await c.connect();
  try {
    await c.query("SET session_replication_role = replica");
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** Points lib/db at a database of the caller's own (e.g. a PostgreSQL server a test kills and restarts). */
export async function useDatabase(url: string): Promise<void> {
  await resetProcessState();
  process.env.DATABASE_URL = url;
}
