import { copyFile, mkdtemp, readFile, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { describe, expect, inject, it } from "vitest";
import { schemaDrift } from "../../lib/db/schema-engine.ts";

const connection = () => ({ ...inject("pg"), database: "postgres" });

describe("schema.prisma and the migrations", () => {
  it("describe the same database", async () => {
    const res = await schemaDrift({ connection: connection() });
    expect(res.onlyInSchema).toEqual([]);
    expect(res.onlyInMigrations).toEqual([]);
    expect(res.inSync).toBe(true);
  }, 60_000);

  it("are caught disagreeing when the schema gains a column and an index the migrations lack", async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "warden-drift-"));
    const schemaPath = path.join(dir, "schema.prisma");
    await copyFile(path.join(process.cwd(), "prisma", "schema.prisma"), schemaPath);
    const src = await readFile(schemaPath, "utf8");
    await writeFile(schemaPath, src.replace("model Cohort {\n", "model Cohort {\n  budget Int @default(0)\n  @@index([budget])\n"));
    const res = await schemaDrift({ connection: connection(), schemaPath });
    expect(res.inSync).toBe(false);
    expect(res.onlyInSchema).toEqual(expect.arrayContaining([expect.stringMatching(/^column cohorts\.budget int4/), expect.stringMatching(/^index cohorts_budget_idx/)]));
  }, 60_000);
});
