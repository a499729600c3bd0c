import { unavailable } from "../errors/index.ts";

/** What admission holds right now, and since the process started. */
export type AdmissionState = {
  /** Decisions allowed in decide/commit at once (`WARDEN_DECISION_CONCURRENCY`). */
  limit: number;
  /** Decisions that may wait for a slot (`WARDEN_DECISION_QUEUE`); beyond it: 503. */
  queueLimit: number;
  /** In decide/commit now (≤ limit). */
  active: number;
  /** Waiting for a slot now, first come first served (≤ queueLimit). */
  queued: number;
  /** Admitted so far, and refused (503) because the queue was full. */
  admitted: number;
  refused: number;
};

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const v = Number(raw);
  // A bad value falls back to the default (never "unbounded"): the bound protects the control plane.
  return Number.isInteger(v) && v >= 1 ? v : fallback;
}

/** `WARDEN_DECISION_CONCURRENCY`: decisions one worker works on at once (default 32). */
export const decisionConcurrency = () => positiveInt("WARDEN_DECISION_CONCURRENCY", 32);
/** `WARDEN_DECISION_QUEUE`: decisions one worker lets wait for a slot (default 1000). */
export const decisionQueue = () => positiveInt("WARDEN_DECISION_QUEUE", 1000);

/**
 * Admission control for one process's decisions (POST /v1/actions): at most `limit` are
 * being decided and committed at once; the next `queueLimit` wait in a FIFO; the rest are
 * refused at once with `503 unavailable` (Retry-After 1 s), before anything is evaluated or
 * recorded. Bounding the work in flight bounds how much of it a turn of the event loop can
 * hold (a committed batch answers its decisions and admits as many waiting ones in one turn),
 * so a control-plane request (a halt) sharing the process is served between turns instead of
 * queueing behind thousands of decisions. Long-polls, result reports and reads are not
 * admitted through here: they do little work per request.
 */
export class Admission {
  private active = 0;
  private admitted = 0;
  private refused = 0;
  /** FIFO of waiters: `head` is the next to go (a ring would save nothing measurable). */
  private waiting: Waiter[] = [];
  private head = 0;
  /** Waiters still in `waiting` whose request went away (skipped when their turn comes). */
  private cancelled = 0;
  private readonly listeners = new Set<(s: AdmissionState) => void>();

  constructor(
    readonly limit: number,
    readonly queueLimit: number,
  ) {}

  /**
   * Runs `fn` once a slot is free (at once when one is), holding the slot until `fn` settles;
   * resolves or rejects with `fn`'s outcome. `signal`: the request went away (its client
   * closed the connection) — a waiting request leaves the queue and `fn` is never run, so
   * nothing is decided or recorded for nobody.
   *
   * @throws WardenError `unavailable` (503, Retry-After 1 s) when `queueLimit` requests are
   *   already waiting, or when `signal` aborted before its turn — `fn` is not run.
   */
  async run<T>(fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    await this.enter(signal);
    try {
      return await fn();
    } finally {
      this.leave();
    }
  }

  /** A copy of the counters. */
  state(): AdmissionState {
    return { limit: this.limit, queueLimit: this.queueLimit, active: this.active, queued: this.waiting.length - this.head - this.cancelled, admitted: this.admitted, refused: this.refused };
  }

  /**
   * Calls `listener` with the state after every change (a slot taken or freed, a request
   * queued or refused), synchronously. Returns the function that removes it.
   */
  observe(listener: (s: AdmissionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private enter(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(gone());
    if (this.active < this.limit) {
      this.active++;
      this.admitted++;
      this.changed();
      return Promise.resolve();
    }
    if (this.waiting.length - this.head - this.cancelled >= this.queueLimit) {
      this.refused++;
      this.changed();
      return Promise.reject(unavailable("Too many decisions are waiting on this worker; retry shortly (nothing was recorded)"));
    }
    return new Promise((resolve, reject) => {
      const w: Waiter = { go: resolve, cancelled: false };
      const onAbort = () => {
        if (w.cancelled) return;
        w.cancelled = true;
        this.cancelled++;
        reject(gone());
        this.changed();
      };
      w.go = () => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.waiting.push(w);
      this.changed();
    });
  }

  private leave() {
    // Waiters whose request went away give their turn to the next.
    while (this.waiting[this.head]?.cancelled) {
      this.waiting[this.head++] = undefined as never;
      this.cancelled--;
    }
    const next = this.waiting[this.head];
    if (next) {
      // The slot passes straight to the first waiter: `active` stays the same.
      this.waiting[this.head++] = undefined as never;
      if (this.head > 1024 && this.head * 2 > this.waiting.length) {
        this.waiting = this.waiting.slice(this.head);
        this.head = 0;
      }
      this.admitted++;
      next.go();
    } else this.active--;
    this.changed();
  }

  private changed() {
    if (this.listeners.size === 0) return;
    const s = this.state();
    for (const l of this.listeners) l(s);
  }
}

type Waiter = { go: () => void; cancelled: boolean };

const gone = () => unavailable("The request went away before its turn (nothing was recorded)");

const KEY = Symbol.for("warden.decisionAdmission");
type Holder = { [KEY]?: Admission };

/**
 * This process's admission for decisions, created at first use from `WARDEN_DECISION_CONCURRENCY`
 * and `WARDEN_DECISION_QUEUE` (each worker has its own: the bounds are per worker).
 */
export function decisionAdmission(): Admission {
  const g = globalThis as Holder;
  return (g[KEY] ??= new Admission(decisionConcurrency(), decisionQueue()));
}
