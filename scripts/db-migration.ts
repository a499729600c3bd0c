// `npm run db:migration -- <name>`: writes the next migration from prisma/schema.prisma,
// offline. The schema engine only needs a scratch PostgreSQL server for its shadow database:
// DATABASE_URL_SHADOW_SERVER if set (the user needs CREATEDB), else a throwaway embedded one.
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { startEmbeddedPostgres } from "../lib/boot/index.ts";
import { createMigration, type ServerConnection } from "./db/schema-engine.ts";

const name = process.argv[2];
if (!name || !/^[A-Za-z0-9_]+$/.test(name)) {
  console.error("usage: npm run db:migration -- <name>   (letters, digits and _)");
  process.exit(64);
}

function fromUrl(url: string): ServerConnection {
  const u = new URL(url);
  return {
    host: u.hostname,
    port: Number(u.port || 5432),
    user: decodeURIComponent(u.username),
    password: decodeURIComponent(u.password),
    database: decodeURIComponent(u.pathname.slice(1)) || "postgres",
  };
}

async function throwawayServer(): Promise<{ connection: ServerConnection; stop: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "warden-migration-pg-"));
  await chmod(dir, 0o755); // run as root, PostgreSQL runs as `postgres` and must reach its data dir
  const db = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), password: "warden-migration", database: "postgres", persistent: false });
  return {
    connection: { ...db.connection, database: "postgres" },
    stop: async () => {
      await db.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

const started = performance.now();
const shadowUrl = process.env.DATABASE_URL_SHADOW_SERVER;
const server = shadowUrl ? { connection: fromUrl(shadowUrl), stop: async () => undefined } : await throwawayServer();
let code = 0;
try {
  const file = await createMigration({ name, connection: server.connection });
  const took = `${((performance.now() - started) / 1000).toFixed(1)} s`;
  console.log(file ? `${path.relative(process.cwd(), file)} (${took})` : `no changes: schema.prisma matches the migrations (${took})`);
} catch (err) {
  console.error(err instanceof Error ? err.message : err);
  code = 1;
} finally {
  await server.stop();
}
// The wasm engine leaves timers behind; don't wait for them.
process.exit(code);
