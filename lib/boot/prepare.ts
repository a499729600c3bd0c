import path from "node:path";
import type { Env } from "../config/index.ts";
import { ensureAuditPartitions } from "../audit/index.ts";
import { migrate } from "./migrate.ts";
import { generatePassword } from "../secrets/index.ts";
import { seedDemo } from "../seed/index.ts";
import { ensureFirstAdmin } from "../users/index.ts";
import { connectDatabase } from "./connect.ts";
import { adoptDataDirSecrets } from "./data-dir.ts";

export type Prepared = {
  databaseUrl: string;
  embedded: boolean;
  stopDatabase: () => Promise<void>;
  firstAdmin: { email: string; password: string | null } | null;
  demo: { users: string[]; password: string } | null;
  migrationsApplied: string[];
};

/**
 * Everything before serving: secrets, the database (embedded when DATABASE_URL is unset),
 * migrations, the first admin and demo data on an empty database. Sets DATABASE_URL and
 * NEXTAUTH_SECRET in process.env for the rest of the process.
 */
export async function prepare(env: Env, log: (msg: string) => void = console.log): Promise<Prepared> {
  const dataDir = path.resolve(env.WARDEN_DATA_DIR);
  await adoptDataDirSecrets(dataDir);

  if (!env.DATABASE_URL) log(`[warden] starting embedded PostgreSQL (data in ${path.join(dataDir, "pg")})`);
  const { url: databaseUrl, stop: stopDatabase } = await connectDatabase(env);

  const { applied } = await migrate(databaseUrl);
  if (applied.length) log(`[warden] applied migrations: ${applied.join(", ")}`);
  await ensureAuditPartitions();

  const firstAdmin = await ensureFirstAdmin({ email: env.WARDEN_ADMIN_EMAIL, password: env.WARDEN_ADMIN_PASSWORD });
  const demo = firstAdmin && env.WARDEN_SEED_DEMO ? await seedDemo(generatePassword()) : null;
  return { databaseUrl, embedded: !env.DATABASE_URL, stopDatabase, firstAdmin, demo, migrationsApplied: applied };
}
