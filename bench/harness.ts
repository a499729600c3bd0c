// Shared by the benchmarks: Warden started as `npm start` would, on a given database.
import { spawn, type ChildProcess } from "node:child_process";
import os from "node:os";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

/** `env` adds or overrides variables (e.g. `WARDEN_RECEIPTS: "off"`). */
export async function startWarden(databaseUrl: string, port: number, secret: string, env: Record<string, string> = {}): Promise<ChildProcess> {
  const child = spawn(process.execPath, [path.join(root, "scripts/start.mjs")], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl, PORT: String(port), WARDEN_BENCH_BUILD: "1", NEXTAUTH_SECRET: secret, WARDEN_SEED_DEMO: "false", WARDEN_DATA_DIR: path.join(os.tmpdir(), "warden-bench-unused"), ...env },
    stdio: ["ignore", "ignore", "inherit"],
  });
  for (let i = 0; i < 600; i++) {
    try {
      if ((await fetch(`http://127.0.0.1:${port}/api/health`)).ok) return child;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error("Warden did not start");
}

export function stop(child: ChildProcess): Promise<void> {
  return new Promise((r) => {
    if (child.exitCode !== null) return r();
    child.once("exit", () => r());
    child.kill("SIGTERM");
  });
}


/** A throwaway embedded PostgreSQL for one benchmark run; DATABASE_URL points at it. `settings`: more server settings. */
export async function benchDatabase(settings?: Record<string, string>): Promise<{ url: string; dispose: () => Promise<void> }> {
  const { chmod, mkdtemp, rm } = await import("node:fs/promises");
  const { startEmbeddedPostgres } = await import("../lib/boot/index.ts");
  const dir = await mkdtemp(path.join(os.tmpdir(), "warden-bench-"));
  await chmod(dir, 0o755); // PostgreSQL runs as another user when we are root
  const db = await startEmbeddedPostgres({ dataDir: path.join(dir, "pg"), password: "bench", persistent: false, settings });
  process.env.DATABASE_URL = db.url;
  return {
    url: db.url,
    dispose: async () => {
      try {
        await db.stop();
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  };
}

/**
 * Runs bench/load-worker.ts in its own process with `cfg` (its JSON argument) and resolves with
 * the result it prints last (one JSON line; shape per caller). `track` sees the child first
 * (e.g. to stop it on SIGINT). Rejects when the worker exits non-zero.
 */
export function runLoadWorker<T>(cfg: Record<string, unknown>, track: (child: ChildProcess) => ChildProcess = (c) => c): Promise<T> {
  return new Promise((resolve, reject) => {
    const child = track(spawn(process.execPath, ["--import", "tsx", path.join(root, "bench/load-worker.ts"), JSON.stringify(cfg)], { stdio: ["ignore", "pipe", "inherit"] }));
    let out = "";
    child.stdout!.on("data", (c: Buffer) => (out += c.toString()));
    child.on("exit", (code) => (code === 0 ? resolve(JSON.parse(out.trim().split("\n").pop()!) as T) : reject(new Error(`load worker exited ${code}`))));
  });
}
