import type pg from "pg";
import { decisionPool } from "../db/index.ts";
import { isDatabaseUnavailable, unavailable } from "../errors/index.ts";
import { commitBatch, type Draft, type Outcome } from "./commit-batch.ts";
import { BatchStats } from "./batch-stats.ts";
import { DbCircuit } from "./db-circuit.ts";

const MAX_BATCH = 400;
const MAX_IN_FLIGHT = 4;
/** A queue this long opens another transaction at once, even while one is in flight. */
const PARALLEL_AT = 32;

/**
 * The longest a small batch waits for the transaction in flight before opening its own
 * (`WARDEN_BATCH_LINGER_MS`, default 5; 0 turns lingering off). See Lane.schedule.
 */
export function lingerMs(): number {
  const v = Number(process.env.WARDEN_BATCH_LINGER_MS ?? 5);
  return Number.isFinite(v) && v >= 0 ? v : 5;
}
/** Drafts that may wait for a transaction; beyond it new ones are shed (503) rather than queued. */
export const MAX_QUEUED = 2000;

type Waiting = { draft: Draft; resolve: (o: Outcome) => void; reject: (e: unknown) => void; timer: ReturnType<typeof setTimeout>; settled: boolean };

/**
 * How long a decision may take to become durable before the agent gets `503 unavailable`
 * (`WARDEN_DECISION_TIMEOUT_MS`, default 3000: above the decision pool's 2 s statement
 * timeout, so a slow commit is normally cancelled and rolled back by PostgreSQL first).
 */
export function decisionTimeoutMs(): number {
  const v = Number(process.env.WARDEN_DECISION_TIMEOUT_MS ?? 3000);
  return Number.isFinite(v) && v > 0 ? v : 3000;
}

/**
 * One lane of the group commit: drafts arriving while its transactions are in flight are
 * written together in the next one, at most `maxInFlight` transactions at a time. A small
 * queue lingers (up to `lingerMs()`) for the transaction in flight rather than opening one
 * of its own, so batches stay large at low concurrency (see schedule()).
 *
 * It fails fast instead of building a backlog when the database is gone or slow: the queue is
 * bounded (MAX_QUEUED), a draft not durable within `decisionTimeoutMs()` is answered 503
 * (and dropped if its transaction hadn't started), a batch that fails for lack of a database
 * fails its drafts at once (503) rather than retrying each on its own, and a circuit
 * (db-circuit.ts, shared by the lanes) refuses decisions outright while the database is known
 * down. A 503 never hides an allowed action: the agent did not act, and its retry with the
 * same idempotency key finds the action if the commit landed after all.
 */
class Lane {
  private queue: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;
  private linger: ReturnType<typeof setTimeout> | null = null;
  constructor(
    private readonly maxInFlight: number,
    readonly circuit: DbCircuit,
    private readonly stats: BatchStats,
  ) {}

  submit(draft: Draft): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      const refusal = this.circuit.refusal();
      if (refusal) return reject(refusal);
      if (this.queue.length >= MAX_QUEUED) return reject(unavailable("Too many decisions are waiting for the database; retry shortly (nothing was recorded)"));
      const w: Waiting = { draft, resolve, reject, settled: false, timer: undefined as never };
      w.timer = setTimeout(() => this.expire(w), decisionTimeoutMs());
      this.queue.push(w);
      this.schedule();
    });
  }

  /** The draft ran out of time: answer 503; if it is still queued, it is never written. */
  private expire(w: Waiting) {
    const i = this.queue.indexOf(w);
    if (i >= 0) this.queue.splice(i, 1);
    this.settle(w, () => w.reject(unavailable(`The decision could not be recorded within ${decisionTimeoutMs()} ms; retry with the same idempotency key`)));
  }

  private settle(w: Waiting, fn: () => void) {
    if (w.settled) return;
    w.settled = true;
    clearTimeout(w.timer);
    fn();
  }

  private schedule() {
    if (this.linger && this.queue.length >= PARALLEL_AT) {
      // The queue outgrew lingering: go in the next turn of the event loop.
      clearTimeout(this.linger);
      this.linger = null;
      setImmediate(() => this.flush());
      return;
    }
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    // Adaptive linger: while a transaction is in flight, a small queue waits for it to finish
    // (or for lingerMs(), whichever comes first) and goes as one batch, instead of opening a
    // transaction of its own for a couple of drafts — each transaction has a fixed cost in
    // PostgreSQL (locks, a dozen statements, a WAL flush). A queue of PARALLEL_AT drafts or
    // more starts at once. With nothing in flight, the current turn of the event loop still
    // adds its requests to the batch (setImmediate).
    if (this.inFlight > 0 && this.queue.length < PARALLEL_AT && lingerMs() > 0) {
      this.linger = setTimeout(() => this.flush(), lingerMs());
      return;
    }
    setImmediate(() => this.flush());
  }

  /** Starts transactions for what is queued (up to maxInFlight), and schedules the rest. */
  private flush() {
    this.scheduled = false;
    if (this.linger) clearTimeout(this.linger);
    this.linger = null;
    while (this.queue.length && this.inFlight < this.maxInFlight) {
      const batch = this.queue.splice(0, MAX_BATCH);
      this.inFlight++;
      void this.commit(batch).finally(() => {
        this.inFlight--;
        this.afterCommit();
      });
    }
  }

  /** A transaction ended: a lingering queue goes now (it waited for exactly this). */
  private afterCommit() {
    if (this.linger) this.flush();
    else this.schedule();
  }

  private async commit(batch: Waiting[]): Promise<void> {
    const refusal = this.circuit.refusal();
    if (refusal) {
      for (const w of batch) this.settle(w, () => w.reject(refusal));
      return;
    }
    try {
      const outcomes = await this.withClient((c) => commitBatch(c, batch.map((w) => w.draft)));
      this.circuit.succeeded();
      this.stats.record(batch.length);
      batch.forEach((w, i) => this.settle(w, () => w.resolve(outcomes[i]!)));
    } catch (err) {
      if (isDatabaseUnavailable(err)) {
        // No database: every draft of the batch fails alike, so fail them now, together.
        this.circuit.failed((err as Error).message);
        for (const w of batch) this.settle(w, () => w.reject(err));
        return;
      }
      if (batch.length === 1) {
        this.settle(batch[0]!, () => batch[0]!.reject(err));
        return;
      }
      // One bad request must not fail its neighbours: retry each on its own.
      await Promise.all(batch.filter((w) => !w.settled).map((w) => this.commit([w])));
    }
  }

  private async withClient<T>(fn: (c: pg.PoolClient) => Promise<T>): Promise<T> {
    const client = await decisionPool().connect();
    try {
      const out = await fn(client);
      client.release();
      return out;
    } catch (err) {
      // A connection that failed mid-transaction (timeout, reset) is closed, never reused.
      client.release(isDatabaseUnavailable(err) ? (err as Error) : undefined);
      throw err;
    }
  }
}

/**
 * Group commit: decisions arriving while transactions are in flight are written together in
 * the next one. Each caller still gets its answer only after its transaction committed.
 *
 * Drafts that count against a budget go through a lane of their own with one transaction in
 * flight: a budget's running total is locked until its transaction commits, so concurrent
 * budgeted batches would only queue on each other — one larger batch commits more decisions
 * per lock than several small ones waiting in turn. Drafts without budgets keep several
 * transactions in flight.
 */
class DecisionBatcher {
  /** The database's health as the decision path sees it: one for both lanes. */
  readonly circuit = new DbCircuit(decisionPool);
  /** Decisions per committed transaction, both lanes (batch-stats.ts). */
  readonly stats = new BatchStats();
  private free = new Lane(MAX_IN_FLIGHT, this.circuit, this.stats);
  private budgeted = new Lane(1, this.circuit, this.stats);

  submit(draft: Draft): Promise<Outcome> {
    return (draft.budgets.length ? this.budgeted : this.free).submit(draft);
  }
}

const KEY = Symbol.for("warden.decisionBatcher");
type Holder = { [KEY]?: DecisionBatcher };

/** The group commit's batch-size histogram so far in this process (batch-stats.ts). */
export function batchStats(): ReturnType<BatchStats["snapshot"]> {
  return decisionBatcher().stats.snapshot();
}

export function decisionBatcher(): DecisionBatcher {
  const g = globalThis as Holder;
  return (g[KEY] ??= new DecisionBatcher());
}
