import cluster, { type Worker } from "node:cluster";

export type Supervisor = {
  /** Resolves when every worker listens; rejects when one exits before it ever listened (a start-up failure). */
  ready: Promise<void>;
  /** The live workers' process ids, by slot. */
  pids: () => number[];
  /** Stops every worker (SIGTERM, then SIGKILL after `stopTimeoutMs`) and restarts none. */
  stop: () => Promise<void>;
};

export type SuperviseOptions = {
  count: number;
  /** The module each worker runs, and the Node flags it needs (e.g. `["--import", "tsx"]`). */
  exec: string;
  execArgv?: string[];
  log?: (line: string) => void;
  /** Restart delay: `initialMs` doubling per crash up to `maxMs`, back to `initialMs` once a worker stayed up `stableMs`. */
  backoff?: { initialMs: number; maxMs: number; stableMs: number };
  stopTimeoutMs?: number;
};

/** The environment variable telling a worker its slot (0 … count−1); slot 0 runs the background jobs. */
export const WORKER_SLOT_ENV = "WARDEN_WORKER_SLOT";

/**
 * The primary process's side of the cluster (node:cluster): forks `count` workers sharing the
 * listening port, restarts one that exits (with backoff, logged), and stops them all on `stop`.
 * The primary does no request work. A worker's in-flight requests die with it (their clients
 * see the connection reset); an answered decision was committed before its answer, so none is
 * lost.
 */
export function superviseWorkers(opts: SuperviseOptions): Supervisor {
  const log = opts.log ?? ((line: string) => console.log(line));
  const backoff = opts.backoff ?? { initialMs: 250, maxMs: 10_000, stableMs: 30_000 };
  cluster.setupPrimary({ exec: opts.exec, execArgv: opts.execArgv ?? process.execArgv });
  const slots: { worker: Worker | null; startedAt: number; crashes: number; listened: boolean; timer?: NodeJS.Timeout }[] = Array.from({ length: opts.count }, () => ({ worker: null, startedAt: 0, crashes: 0, listened: false }));
  let stopping = false;
  let started = 0;
  let settle: { resolve: () => void; reject: (err: Error) => void };
  const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  let readyDone = false;

  const fork = (slot: number) => {
    const s = slots[slot]!;
    const worker = cluster.fork({ [WORKER_SLOT_ENV]: String(slot) });
    s.worker = worker;
    s.startedAt = Date.now();
    worker.once("listening", () => {
      if (!s.listened) {
        s.listened = true;
        started++;
        if (started === opts.count && !readyDone) {
          readyDone = true;
          settle.resolve();
        }
      } else log(`[warden] worker ${slot + 1} is back (pid ${worker.process.pid})`);
    });
    worker.once("exit", (code, signal) => {
      if (s.worker === worker) s.worker = null;
      if (stopping) return;
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (!s.listened && !readyDone) {
        readyDone = true;
        settle.reject(new Error(`worker ${slot + 1} exited before it listened (${how})`));
        return;
      }
      if (Date.now() - s.startedAt >= backoff.stableMs) s.crashes = 0;
      const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** s.crashes);
      s.crashes++;
      const said = `[warden] worker ${slot + 1} (pid ${worker.process.pid}) exited (${how})`;
      // A clean exit is a worker that stopped itself (Ctrl-C reaches it too, maybe before this
      // process heard it): said only if it really comes to a restart.
      const clean = code === 0 && !signal;
      if (!clean) log(`${said}; restarting it in ${delay} ms`);
      s.timer = setTimeout(() => {
        if (clean) log(`${said}; restarting it`);
        fork(slot);
      }, delay);
    });
  };
  for (let slot = 0; slot < opts.count; slot++) fork(slot);

  const stop = async () => {
    stopping = true;
    const timeout = opts.stopTimeoutMs ?? 10_000;
    await Promise.all(
      slots.map(async (s) => {
        clearTimeout(s.timer);
        const w = s.worker;
        if (!w || w.isDead()) return;
        await new Promise<void>((resolve) => {
          const force = setTimeout(() => w.process.kill("SIGKILL"), timeout);
          w.once("exit", () => {
            clearTimeout(force);
            resolve();
          });
          w.process.kill("SIGTERM");
        });
      }),
    );
  };
  return { ready, stop, pids: () => slots.map((s) => s.worker?.process.pid ?? 0) };
}

/** In a worker: its slot (0 when not in a cluster). */
export function workerSlot(): number {
  const n = Number(process.env[WORKER_SLOT_ENV] ?? 0);
  return Number.isInteger(n) && n >= 0 ? n : 0;
}
