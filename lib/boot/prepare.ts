import path from "node:path";
import type { Env } from "../config/index.ts";
import { ensureAuditPartitions } from "../audit/index.ts";
import { closeDb, pool } from "../db/index.ts";
import { migrate } from "./migrate.ts";
import { generatePassword } from "../secrets/index.ts";
import { seedDemo } from "../seed/index.ts";
import { ensureFirstAdmin } from "../users/index.ts";
import { connectDatabase } from "./connect.ts";
import { adoptDataDirSecrets } from "./data-dir.ts";
import { checkKeyFingerprint } from "./key-fingerprint.ts";
import { assertPortFree } from "./port.ts";

export type Prepared = {
  databaseUrl: string;
  embedded: boolean;
  stopDatabase: () => Promise<void>;
  firstAdmin: { email: string; password: string | null } | null;
  demo: { users: string[]; password: string } | null;
  migrationsApplied: string[];
};

/**
 * Everything before serving: the port (when `listen` is given: checked first, so a taken
 * port stops nothing), secrets, the database (embedded when DATABASE_URL is unset),
 * migrations, the redaction key's fingerprint (an instance whose key differs from the one the
 * database was first started with stops here, saying what to set), the first admin and demo
 * data on an empty database. Sets DATABASE_URL and NEXTAUTH_SECRET in process.env for the
 * rest of the process.
 *
 * On any failure after the database started, the pool is closed and the embedded PostgreSQL
 * this call started is stopped before the error is rethrown (one another process runs is
 * left alone).
 *
 * @throws Error with a message for the operator ("port N is in use; set PORT …", the key
 *   mismatch, a failed migration …)
 */
export async function prepare(env: Env, log: (msg: string) => void = console.log, opts: { listen?: { port: number; host: string } } = {}): Promise<Prepared> {
  if (opts.listen) await assertPortFree(opts.listen.port, opts.listen.host);
  const dataDir = path.resolve(env.WARDEN_DATA_DIR);
  await adoptDataDirSecrets(dataDir);

  if (!env.DATABASE_URL) log(`[warden] starting embedded PostgreSQL (data in ${path.join(dataDir, "pg")})`);
  const { url: databaseUrl, stop: stopDatabase } = await connectDatabase(env);
  try {
    const { applied } = await migrate(databaseUrl);
    if (applied.length) log(`[warden] applied migrations: ${applied.join(", ")}`);
    // The audit search matches ids and idempotency keys by their start with btree ranges,
    // which PostgreSQL can only use under the "C" collation (the embedded database has it).
    const { rows: collation } = await pool().query<{ c: string }>(`SELECT datcollate AS c FROM pg_database WHERE datname = current_database()`);
    const c = collation[0]?.c ?? "";
    if (c !== "C" && c !== "POSIX") log(`[warden] warning: the database collates "${c}", not "C": the audit explorer's search by id or idempotency key will scan instead of using its indexes (create the database with LC_COLLATE 'C'; see README, "Searching the audit log")`);
    await ensureAuditPartitions();
    if ((await checkKeyFingerprint()) === "recorded") log("[warden] recorded the redaction key's fingerprint in the database");

    const firstAdmin = await ensureFirstAdmin({ email: env.WARDEN_ADMIN_EMAIL, password: env.WARDEN_ADMIN_PASSWORD });
    const demo = firstAdmin && env.WARDEN_SEED_DEMO ? await seedDemo(generatePassword()) : null;
    return { databaseUrl, embedded: !env.DATABASE_URL, stopDatabase, firstAdmin, demo, migrationsApplied: applied };
  } catch (err) {
    await closeDb().catch(() => undefined);
    await stopDatabase().catch(() => undefined);
    throw err;
  }
}
