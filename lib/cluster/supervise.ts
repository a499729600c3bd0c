import cluster, { type Worker } from "node:cluster";
import { listenOn } from "../boot/index.ts";
import { isDrainingMessage, isReadyMessage, receiptOf, routeConnections, type ConnectionKind, type RouteTarget } from "./route.ts";

export type Supervisor = {
  /** Resolves when every worker is ready and the port listens; rejects when a worker exits before it was ever ready (a start-up failure) or the port can't be bound. */
  ready: Promise<void>;
  /** The live workers' process ids, by slot. */
  pids: () => number[];
  /** Stops every worker (SIGTERM, then SIGKILL after `stopTimeoutMs`) and restarts none. */
  stop: () => Promise<void>;
};

export type SuperviseOptions = {
  /** Worker processes in all: slot 0 serves the control plane (and runs the prompt background jobs; slot 1 the bulk ones, lib/jobs), slots 1 … count−1 the data plane. At least 2. */
  count: number;
  /** Where the primary listens; it routes each connection to a worker (route.ts). */
  listen: { port: number; host: string };
  /** The module each worker runs, and the Node flags it needs (e.g. `["--import", "tsx"]`). */
  exec: string;
  execArgv?: string[];
  log?: (line: string) => void;
  /** Restart delay: `initialMs` doubling per crash up to `maxMs`, back to `initialMs` once a worker stayed up `stableMs`. */
  backoff?: { initialMs: number; maxMs: number; stableMs: number };
  stopTimeoutMs?: number;
};

/** The environment variable telling a worker its slot (0 … count−1); slot 0 runs the prompt background jobs, slot 1 the bulk ones. */
export const WORKER_SLOT_ENV = "WARDEN_WORKER_SLOT";

/**
 * The primary process's side of the cluster (node:cluster): forks `count` workers, listens on
 * the port once every one is ready, and hands each connection to a worker by the start of its
 * first request (route.ts): agents' (`/v1/*`) round-robin to the data-plane workers (slots 1 …),
 * everything else to the control-plane worker (slot 0), so halts, approvals and the dashboard
 * are served by a process no agent traffic queues in. While a worker of one kind is down its
 * connections go to the other kind (every worker serves every route). Restarts a worker that
 * exits (with backoff, logged), and on `stop` closes the port, then stops them all. The primary
 * does no request work. A worker's in-flight requests die with it (their clients see the
 * connection reset); an answered decision was committed before its answer, so none is lost.
 */
export function superviseWorkers(opts: SuperviseOptions): Supervisor {
  const log = opts.log ?? ((line: string) => console.log(line));
  const backoff = opts.backoff ?? { initialMs: 250, maxMs: 10_000, stableMs: 30_000 };
  cluster.setupPrimary({ exec: opts.exec, execArgv: opts.execArgv ?? process.execArgv });
  if (opts.count < 2) throw new Error("superviseWorkers: at least 2 workers (a control-plane one and a data-plane one)");
  // `up`: this slot's current worker said it is ready (and hasn't exited since); `everUp`: some worker of this slot was.
  const slots: { worker: Worker | null; startedAt: number; crashes: number; up: boolean; everUp: boolean; timer?: NodeJS.Timeout }[] = Array.from({ length: opts.count }, () => ({ worker: null, startedAt: 0, crashes: 0, up: false, everUp: false }));
  let stopping = false;
  let started = 0;
  let settle: { resolve: () => void; reject: (err: Error) => void };
  const ready = new Promise<void>((resolve, reject) => (settle = { resolve, reject }));
  let readyDone = false;

  let turn = 0;
  const live = (slot: number): RouteTarget | null => {
    const s = slots[slot]!;
    return s.up && s.worker?.isConnected() ? (s.worker as unknown as RouteTarget) : null;
  };
  /** The next live data-plane worker, round-robin; null when none is. */
  const nextData = (): RouteTarget | null => {
    for (let i = 0; i < opts.count - 1; i++) {
      turn = (turn % (opts.count - 1)) + 1;
      const w = live(turn);
      if (w) return w;
    }
    return null;
  };
  const pick = (kind: ConnectionKind): RouteTarget | null => (kind === "control" ? (live(0) ?? nextData()) : (nextData() ?? live(0)));
  const router = routeConnections(pick);

  const fork = (slot: number) => {
    const s = slots[slot]!;
    const worker = cluster.fork({ [WORKER_SLOT_ENV]: String(slot) });
    s.worker = worker;
    s.startedAt = Date.now();
    s.up = false;
    const onMessage = (message: unknown) => {
      const receipt = receiptOf(message);
      if (receipt !== null) return router.received(receipt);
      if (isDrainingMessage(message)) {
        if (s.worker === worker) s.up = false; // stopping: no new connections for it
        return;
      }
      if (!isReadyMessage(message) || s.worker !== worker || s.up) return;
      s.up = true;
      if (s.everUp) {
        log(`[warden] worker ${slot + 1} is back (pid ${worker.process.pid})`);
        return;
      }
      s.everUp = true;
      started++;
      if (started === opts.count && !readyDone) {
        listenOn(router.server, opts.listen.port, opts.listen.host).then(
          () => {
            if (readyDone) return;
            readyDone = true;
            settle.resolve();
          },
          (err: Error) => {
            if (readyDone) return;
            readyDone = true;
            settle.reject(err);
          },
        );
      }
    };
    worker.on("message", onMessage);
    worker.once("exit", (code, signal) => {
      worker.off("message", onMessage);
      router.abandon(worker as unknown as RouteTarget);
      if (s.worker === worker) {
        s.worker = null;
        s.up = false;
      }
      if (stopping) return;
      const how = signal ? `signal ${signal}` : `code ${code}`;
      if (!s.everUp && !readyDone) {
        readyDone = true;
        settle.reject(new Error(`worker ${slot + 1} exited before it was ready (${how})`));
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
    // No new connection from here on; then the workers finish what they have and stop.
    router.close();
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

/**
 * Which background jobs (lib/jobs lanes) the worker in `slot` runs: the control-plane worker
 * (slot 0) the prompt ones, the first data-plane worker (slot 1) the bulk ones, the others none.
 */
export function workerJobs(slot: number = workerSlot()): "prompt" | "bulk" | null {
  return slot === 0 ? "prompt" : slot === 1 ? "bulk" : null;
}
