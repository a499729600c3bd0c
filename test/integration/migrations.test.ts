import { randomBytes } from "node:crypto";
import { mkdtemp, mkdir, readdir, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { describe, expect, it, inject } from "vitest";
import { migrate, MIGRATIONS_DIR } from "../../lib/boot/index.ts";
import { adminQuery } from "../support/db.ts";

async function emptyDatabase(): Promise<string> {
  const name = `m_${randomBytes(5).toString("hex")}`;
  await adminQuery((c) => c.query(`CREATE DATABASE ${name}`));
  const { user, password, host, port } = inject("pg");
  return `postgresql://${user}:${password}@${host}:${port}/${name}`;
}

async function rows(url: string, sql: string) {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    return (await c.query(sql)).rows;
  } finally {
    await c.end();
  }
}

describe("the migration runner", () => {
  it("applies every migration once, recorded as Prisma Migrate records them", async () => {
    const url = await emptyDatabase();
    const folders = (await readdir(MIGRATIONS_DIR, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort();
    const first = await migrate(url);
    expect(first.applied).toEqual(folders);
    const second = await migrate(url);
    expect(second.applied).toEqual([]);
    const recorded = await rows(url, `SELECT migration_name, checksum, finished_at, applied_steps_count FROM "_prisma_migrations" ORDER BY migration_name`);
    expect(recorded.map((r) => r.migration_name)).toEqual(folders);
    for (const r of recorded) {
      expect(r.checksum).toMatch(/^[0-9a-f]{64}$/);
      expect(r.finished_at).not.toBeNull();
    }
  });

  it("is safe when two instances start at once", async () => {
    const url = await emptyDatabase();
    const [a, b] = await Promise.all([migrate(url), migrate(url)]);
    expect([...a.applied, ...b.applied].sort()).toEqual((await readdir(MIGRATIONS_DIR, { withFileTypes: true })).filter((d) => d.isDirectory()).map((d) => d.name).sort());
    const heads = await rows(url, "SELECT count(*)::int AS n FROM audit_chain_heads");
    expect(heads[0].n).toBe(16);
  });

  it("rolls a failing migration back whole, records the failure, and refuses to go on", async () => {
    const url = await emptyDatabase();
    const dir = await mkdtemp(path.join(os.tmpdir(), "warden-mig-"));
    await mkdir(path.join(dir, "001_ok"));
    await writeFile(path.join(dir, "001_ok", "migration.sql"), "CREATE TABLE a (id int);");
    await mkdir(path.join(dir, "002_bad"));
    await writeFile(path.join(dir, "002_bad", "migration.sql"), "CREATE TABLE b (id int); SELECT * FROM no_such_table;");
    await expect(migrate(url, dir)).rejects.toThrow(/002_bad/);
    expect(await rows(url, "SELECT to_regclass('b') AS t")).toEqual([{ t: null }]);
    const recorded = await rows(url, `SELECT migration_name, finished_at, logs FROM "_prisma_migrations" ORDER BY started_at`);
    expect(recorded.map((r) => [r.migration_name, r.finished_at === null])).toEqual([["001_ok", false], ["002_bad", true]]);
    await expect(migrate(url, dir)).rejects.toThrow(/failed earlier/);
  });
});
