import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { PrismaPg } from "@prisma/adapter-pg";
import { bindMigrationAwareSqlAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";
import { migrate } from "./migrate.ts";

/**
 * Checks that prisma/schema.prisma and prisma/migrations describe the same database.
 *
 * Prisma's schema engine (as WebAssembly: the native one can't be downloaded here) turns the
 * schema into the DDL it implies; that DDL and the migrations are each applied to a scratch
 * database and the two catalogs compared. (The engine's own migrations-to-schema diff needs a
 * shadow database through @prisma/adapter-pg, whose introspection can't read PostgreSQL's
 * internal "char" columns.) Hand-written parts of migrations — triggers, functions, seed rows —
 * are outside the comparison by design.
 */
export type ServerConnection = { host: string; port: number; user: string; password: string; database: string };

type Engine = { diff(p: unknown): Promise<{ exitCode: number; stdout: string | null }> };
type Glue = { __wbg_set_wasm(w: unknown): void; SchemaEngine: { new: (o: unknown, log: (s: string) => void, adapter: unknown) => Promise<Engine> } };

const ROOT = process.cwd();
let loaded: Promise<Glue> | undefined;

function loadWasm(): Promise<Glue> {
  loaded ??= (async () => {
    const dir = path.join(ROOT, "node_modules", "@prisma", "schema-engine-wasm");
    const glue = (await import(path.join(dir, "schema_engine_bg.js"))) as Glue;
    const bytes = await readFile(path.join(dir, "schema_engine_bg.wasm"));
    const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": glue as unknown as WebAssembly.ModuleImports });
    glue.__wbg_set_wasm(instance.exports);
    (instance.exports as { __wbindgen_start?: () => void }).__wbindgen_start?.();
    return glue;
  })();
  return loaded;
}

/** The DDL that creates, from nothing, the database schema.prisma describes. */
export async function schemaDdl(conn: ServerConnection, schemaPath = path.join(ROOT, "prisma", "schema.prisma")): Promise<string> {
  const glue = await loadWasm();
  const schema = await readFile(schemaPath, "utf8");
  const factory = new PrismaPg({ host: conn.host, port: conn.port, user: conn.user, password: conn.password, database: conn.database });
  const engine = await glue.SchemaEngine.new({ datamodels: [[schemaPath, schema]] }, () => undefined, bindMigrationAwareSqlAdapterFactory(factory));
  const res = await engine.diff({
    from: { tag: "empty" },
    to: { tag: "schemaDatamodel", files: [{ path: schemaPath, content: schema }] },
    script: true,
    exitCode: false,
    filters: { externalTables: [], externalEnums: [] },
  });
  return (res.stdout ?? "").replace(/^-- CreateSchema\s*\nCREATE SCHEMA IF NOT EXISTS "public";\s*/m, "");
}

const CATALOG = `
  SELECT 'column ' || table_name || '.' || column_name || ' ' || udt_name || ' null=' || is_nullable || ' default=' || coalesce(column_default, '') AS item
    FROM information_schema.columns WHERE table_schema = 'public' AND table_name <> '_prisma_migrations'
  UNION ALL
  SELECT 'index ' || indexname || ': ' || indexdef FROM pg_indexes WHERE schemaname = 'public' AND tablename <> '_prisma_migrations'
  UNION ALL
  SELECT 'constraint ' || c.conname || ': ' || pg_get_constraintdef(c.oid)
    FROM pg_constraint c JOIN pg_namespace n ON n.oid = c.connamespace WHERE n.nspname = 'public' AND c.conrelid <> 'public._prisma_migrations'::regclass
  UNION ALL
  SELECT 'enum ' || t.typname || ': ' || string_agg(e.enumlabel, ',' ORDER BY e.enumsortorder)
    FROM pg_type t JOIN pg_enum e ON e.enumtypid = t.oid JOIN pg_namespace n ON n.oid = t.typnamespace WHERE n.nspname = 'public' GROUP BY t.typname
  ORDER BY 1`;

async function withScratchDb<T>(conn: ServerConnection, fn: (url: string) => Promise<T>): Promise<T> {
  const name = `drift_${randomBytes(5).toString("hex")}`;
  const admin = new pg.Client({ ...conn });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
    try {
      return await fn(`postgresql://${encodeURIComponent(conn.user)}:${encodeURIComponent(conn.password)}@${conn.host}:${conn.port}/${name}`);
    } finally {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  } finally {
    await admin.end();
  }
}

async function catalog(url: string, setup: (c: pg.Client) => Promise<void>): Promise<string[]> {
  const c = new pg.Client({ connectionString: url });
  await c.connect();
  try {
    await setup(c);
    // The migrations' own bookkeeping table only exists on one side.
    await c.query(`CREATE TABLE IF NOT EXISTS "_prisma_migrations" (id text)`);
    return (await c.query<{ item: string }>(CATALOG)).rows.map((r) => r.item);
  } finally {
    await c.end();
  }
}

/** Where schema.prisma and the migrations disagree: lines only one side has. Empty when in sync. */
export async function schemaDrift(opts: { connection: ServerConnection; schemaPath?: string; migrationsDir?: string }): Promise<{ inSync: boolean; onlyInSchema: string[]; onlyInMigrations: string[] }> {
  const ddl = await schemaDdl(opts.connection, opts.schemaPath);
  const fromSchema = await withScratchDb(opts.connection, (url) => catalog(url, async (c) => void (await c.query(ddl))));
  const fromMigrations = await withScratchDb(opts.connection, async (url) => {
    await migrate(url, opts.migrationsDir);
    return catalog(url, async () => undefined);
  });
  const a = new Set(fromSchema);
  const b = new Set(fromMigrations);
  const onlyInSchema = fromSchema.filter((x) => !b.has(x));
  const onlyInMigrations = fromMigrations.filter((x) => !a.has(x));
  return { inSync: onlyInSchema.length === 0 && onlyInMigrations.length === 0, onlyInSchema, onlyInMigrations };
}
