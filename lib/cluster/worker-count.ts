import os from "node:os";

/** The most workers Warden starts by default: past this, PostgreSQL (on the same cores or not) is the limit, and each worker holds its own connections and a Next.js server. */
export const MAX_DEFAULT_WORKERS = 8;

/**
 * How many worker processes serve Warden: `WARDEN_WORKERS` when set (1 = one process, no
 * cluster), else the cores this process may use (`os.availableParallelism()`), at most
 * MAX_DEFAULT_WORKERS.
 */
export function workerCount(setting: number | undefined): number {
  if (setting !== undefined) return setting;
  return Math.max(1, Math.min(os.availableParallelism(), MAX_DEFAULT_WORKERS));
}
