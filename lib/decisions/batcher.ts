import { pool } from "../db/index.ts";
import { commitBatch, type Draft, type Outcome } from "./commit-batch.ts";

const MAX_BATCH = 400;
const MAX_IN_FLIGHT = 4;

type Waiting = { draft: Draft; resolve: (o: Outcome) => void; reject: (e: unknown) => void };

/**
 * One lane of the group commit: drafts arriving while its transactions are in flight are
 * written together in the next one, at most `maxInFlight` transactions at a time.
 */
class Lane {
  private queue: Waiting[] = [];
  private inFlight = 0;
  private scheduled = false;

  constructor(private readonly maxInFlight: number) {}

  submit(draft: Draft): Promise<Outcome> {
    return new Promise((resolve, reject) => {
      this.queue.push({ draft, resolve, reject });
      this.schedule();
    });
  }

  private schedule() {
    if (this.scheduled || this.inFlight >= this.maxInFlight || this.queue.length === 0) return;
    this.scheduled = true;
    // Let the current turn of the event loop add its requests to this batch.
    setImmediate(() => {
      this.scheduled = false;
      while (this.queue.length && this.inFlight < this.maxInFlight) {
        const batch = this.queue.splice(0, MAX_BATCH);
        this.inFlight++;
        void this.commit(batch).finally(() => {
          this.inFlight--;
          this.schedule();
        });
      }
    });
  }

  private async commit(batch: Waiting[]): Promise<void> {
    try {
      const outcomes = await this.withClient((c) => commitBatch(c, batch.map((w) => w.draft)));
      batch.forEach((w, i) => w.resolve(outcomes[i]!));
    } catch (err) {
      if (batch.length === 1) {
        batch[0]!.reject(err);
        return;
      }
      // One bad request must not fail its neighbours: retry each on its own.
      await Promise.all(batch.map((w) => this.commit([w])));
    }
  }

  private async withClient<T>(fn: (c: import("pg").PoolClient) => Promise<T>): Promise<T> {
    const client = await pool().connect();
    try {
      return await fn(client);
    } finally {
      client.release();
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
  private free = new Lane(MAX_IN_FLIGHT);
  private budgeted = new Lane(1);

  submit(draft: Draft): Promise<Outcome> {
    return (draft.budgets.length ? this.budgeted : this.free).submit(draft);
  }
}

const KEY = Symbol.for("warden.decisionBatcher");
type Holder = { [KEY]?: DecisionBatcher };

export function decisionBatcher(): DecisionBatcher {
  const g = globalThis as Holder;
  return (g[KEY] ??= new DecisionBatcher());
}
