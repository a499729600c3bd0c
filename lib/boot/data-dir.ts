import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";

type Secrets = { nextauthSecret: string; pgPassword: string };

/** Secrets generated on first start and kept (mode 600) in the data directory. */
export async function loadOrCreateSecrets(dataDir: string): Promise<Secrets> {
  await mkdir(dataDir, { recursive: true });
  const file = path.join(dataDir, "secrets.json");
  if (existsSync(file)) return JSON.parse(await readFile(file, "utf8")) as Secrets;
  const secrets: Secrets = { nextauthSecret: randomBytes(32).toString("base64url"), pgPassword: randomBytes(24).toString("base64url") };
  await writeFile(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  await chmod(file, 0o600);
  return secrets;
}

/**
 * NEXTAUTH_SECRET from the environment, else the one kept in the data directory, as `npm start`
 * uses it: scripts that write or search redacted data (seed:volume, bench:queries) must key
 * their markers and request hashes exactly like the server.
 */
export async function adoptDataDirSecrets(dataDir: string): Promise<void> {
  process.env.NEXTAUTH_SECRET ??= (await loadOrCreateSecrets(path.resolve(dataDir))).nextauthSecret;
}
