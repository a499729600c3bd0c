import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

/** Starts test/support/instance.ts in a child process on the current DATABASE_URL. */
export async function spawnInstance(env: Record<string, string> = {}): Promise<{ base: string; stop: () => Promise<void>; kill: () => Promise<void> }> {
  const root = path.resolve(import.meta.dirname, "../..");
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", path.join(root, "test/support/instance.ts")], {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (chunk: Buffer) => {
      out += chunk.toString();
      const m = /PORT (\d+)/.exec(out);
      if (m) resolve(Number(m[1]));
    });
    child.on("exit", (code) => reject(new Error(`instance exited with ${code}`)));
    setTimeout(() => reject(new Error("instance did not start in 30 s")), 30_000).unref();
  });
  const end = (signal: NodeJS.Signals) =>
    new Promise<void>((r) => {
      if (child.exitCode !== null || child.signalCode !== null) return r();
      child.once("exit", () => r());
      child.kill(signal);
    });
  return { base: `http://127.0.0.1:${port}`, stop: () => end("SIGTERM"), kill: () => end("SIGKILL") };
}
