import path from "node:path";
import type { Env } from "../config/index.ts";
import { startEmbeddedPostgres } from "./embedded.ts";
import { loadOrCreateSecrets } from "./data-dir.ts";

/**
 * The database a command-line script should use: DATABASE_URL, or Warden's embedded one in
 * the data directory (shared with a running Warden, or started for the script's duration).
 */
export async function connectDatabase(env: Env): Promise<{ url: string; stop: () => Promise<void> }> {
  if (env.DATABASE_URL) {
    process.env.DATABASE_URL = env.DATABASE_URL;
    return { url: env.DATABASE_URL, stop: async () => undefined };
  }
  const dataDir = path.resolve(env.WARDEN_DATA_DIR);
  const secrets = await loadOrCreateSecrets(dataDir);
  const pg = await startEmbeddedPostgres({ dataDir: path.join(dataDir, "pg"), password: secrets.pgPassword });
  process.env.DATABASE_URL = pg.url;
  return { url: pg.url, stop: pg.stop };
}
