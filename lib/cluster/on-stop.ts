/**
 * Runs `stop` once, on SIGINT or SIGTERM (Ctrl-C reaches the primary and every worker: each
 * stops itself; the primary waits for its workers). `stop` owns the exit; after
 * `forceAfterMs` the process exits with code 1 whatever it is waiting for. (A worker whose
 * primary dies exits at once: node:cluster does that on the IPC channel's unexpected close.)
 */
export function onStop(stop: (reason: string) => Promise<void>, forceAfterMs = 10_000): void {
  let stopping = false;
  const run = (reason: string) => {
    if (stopping) return;
    stopping = true;
    setTimeout(() => process.exit(1), forceAfterMs).unref();
    void stop(reason);
  };
  process.on("SIGINT", () => run("SIGINT"));
  process.on("SIGTERM", () => run("SIGTERM"));
}
