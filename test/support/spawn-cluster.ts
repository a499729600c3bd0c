import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

/**
 * Starts test/support/cluster-instance.ts (a data plane on `workers` worker processes and a
 * control-plane worker behind one port) on the current DATABASE_URL, with `env` added to its
 * environment (WARDEN_TEST_RESTART_MS: the supervisor's first restart delay, default 100). `lines` collects what its supervisor says after
 * start (e.g. "worker 2 is back (pid N)"); `waitFor` waits for such a line.
 */
export async function spawnCluster(workers = 2, env: Record<string, string> = {}) {
  const root = path.resolve(import.meta.dirname, "../..");
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(root, "test/support/cluster-instance.ts")], {
    cwd: root,
    env: { ...process.env, ...env, WARDEN_WORKERS: String(workers) },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines: string[] = [];
  let buffered = "";
  const port = await new Promise<number>((resolve, reject) => {
    child.stdout!.on("data", (chunk: Buffer) => {
      buffered += chunk.toString();
      const parts = buffered.split("\n");
      buffered = parts.pop()!;
      for (const line of parts) {
        const m = /^PORT (\d+)/.exec(line);
        if (m) resolve(Number(m[1]));
        else lines.push(line);
      }
    });
    child.on("exit", (code) => reject(new Error(`cluster exited with ${code}`)));
    setTimeout(() => {
      child.kill("SIGKILL"); // its workers exit with it (node:cluster), leaving nothing behind
      reject(new Error("cluster did not start in 120 s"));
    }, 120_000).unref();
  });
  const waitFor = async (re: RegExp, ms = 30_000): Promise<RegExpExecArray> => {
    const deadline = Date.now() + ms;
    for (;;) {
      for (const line of lines) {
        const m = re.exec(line);
        if (m) return m;
      }
      if (Date.now() > deadline) throw new Error(`no line matching ${re} in ${ms} ms; got:\n${lines.join("\n")}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  };
  /** SIGTERM to the primary; resolves with its exit code (0: it stopped cleanly; 1: its onStop deadline forced it). */
  const stop = () =>
    new Promise<number | null>((r) => {
      if (child.exitCode !== null || child.signalCode !== null) return r(child.exitCode);
      child.once("exit", (code) => r(code));
      child.kill("SIGTERM");
    });
  return { base: `http://127.0.0.1:${port}`, lines, waitFor, stop };
}
