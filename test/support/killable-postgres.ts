import { existsSync, readdirSync, readFileSync } from "node:fs";
import { chmod, mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { freePort, migrate, startEmbeddedPostgres, type EmbeddedDb } from "../../lib/boot/index.ts";

/** Gone and reaped: a zombie still counts for `kill(pid, 0)`, which the restart's liveness check uses. */
const gone = (pid: number) => !existsSync(`/proc/${pid}`);

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      /* gone meanwhile */
    }
  }
  return out;
}

/**
 * A real PostgreSQL server of the test's own (not the suite's shared one) that can be killed
 * like a crash — SIGKILL to the postmaster and every backend at once — and started again on
 * the same port and data, recovering from its WAL as after a real crash. Migrated on first start.
 */
export async function killablePostgres(): Promise<{
  url: string;
  kill: () => Promise<void>;
  restart: () => Promise<void>;
  dispose: () => Promise<void>;
}> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "warden-outage-pg-"));
  await chmod(dir, 0o755); // PostgreSQL runs as another user when we are root
  const dataDir = path.join(dir, "pg");
  const port = await freePort();
  const start = () => startEmbeddedPostgres({ dataDir, password: "outage", database: "warden", port });
  let server: EmbeddedDb | null = await start();
  await migrate(server.url);
  const url = server.url;
  return {
    url,
    kill: async () => {
      const pidFile = path.join(dataDir, "postmaster.pid");
      if (!existsSync(pidFile)) throw new Error("PostgreSQL is not running");
      const postmaster = Number(readFileSync(pidFile, "utf8").split("\n")[0]);
      const all = [postmaster, ...childrenOf(postmaster)];
      for (const pid of all) {
        try {
          process.kill(pid, "SIGKILL");
        } catch {
          /* already gone */
        }
      }
      server = null;
      const deadline = Date.now() + 15_000;
      while (!all.every(gone)) {
        if (Date.now() > deadline) throw new Error("PostgreSQL processes survived SIGKILL for 15 s");
        await new Promise((r) => setTimeout(r, 20));
      }
    },
    restart: async () => {
      server = await start();
    },
    dispose: async () => {
      await server?.stop().catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
}
