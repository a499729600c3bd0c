// schema.prisma and prisma/migrations must describe the same database: a model change
// without its migration (npm run db:migration -- <name>) fails here.
import { chmod, copyFile, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startEmbeddedPostgres } from "../../lib/boot/index.ts";
import { diffMigrationsToSchema, type ServerConnection } from "../../scripts/db/schema-engine.ts";

let connection: ServerConnection;
let stop = async () => {};

beforeAll(async () => {
  // The integration setup's PostgreSQL (a superuser, so the engine may create its shadow
  // databases); run on its own, this file starts a throwaway one.
  const shared = process.env.WARDEN_TEST_PG;
  if (shared) {
    connection = { ...(JSON.parse(shared) as Omit<ServerConnection, "database">), database: "postgres" };
    return;
  }
  const dir = await mkdtemp(path.join(os.tmpdir(), "warden-drift-pg-"));
  await chmod(dir, 0o755); // as root, PostgreSQL runs as `postgres` and must reach its data dir
  const db = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), password: "warden-drift", database: "postgres", persistent: false });
  connection = { ...db.connection, database: "postgres" };
  stop = async () => {
    await db.stop();
    await rm(dir, { recursive: true, force: true });
  };
}, 60_000);

afterAll(() => stop());

describe("schema.prisma and prisma/migrations", () => {
  it("describe the same database", async () => {
    const { inSync, sql } = await diffMigrationsToSchema({ connection });
    // On failure, `sql` is the migration that is missing.
    expect(sql).toBe("");
    expect(inSync).toBe(true);
  }, 30_000);

  it("are reported out of sync when the schema gains a column the migrations lack", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "warden-drift-"));
    try {
      const schemaPath = path.join(dir, "schema.prisma");
      await copyFile(path.join(process.cwd(), "prisma", "schema.prisma"), schemaPath);
      const schema = await readFile(schemaPath, "utf8");
      const changed = schema.replace(/^model Cohort \{\n/m, "model Cohort {\n  driftProbe Int @default(0) @map(\"drift_probe\")\n");
      expect(changed).not.toBe(schema);
      await writeFile(schemaPath, changed);

      const { inSync, sql } = await diffMigrationsToSchema({ connection, schemaPath });
      expect(inSync).toBe(false);
      expect(sql).toMatch(/ALTER TABLE "cohorts" ADD COLUMN\s+"drift_probe" INTEGER NOT NULL DEFAULT 0/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 30_000);
});
