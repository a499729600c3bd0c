import { setImmediate as nextTurn } from "node:timers/promises";

let tail: Promise<void> = Promise.resolve();

/** Turns taken so far (every call of redactionTurn that ran its work), for tests and benches. */
export const turnStats = { taken: 0 };

/**
 * Runs `work` (a request's redaction: synchronous CPU, bounded by its ScanBudget) in a turn of
 * its own: requests take turns one after another, in arrival order, and each turn starts on a
 * fresh iteration of the event loop, after the I/O that is waiting. So however many requests
 * are being redacted, a halt (or any other request) waits for at most one turn — one
 * request's bounded scan — between two of its own steps, never for all of them back to back
 * (what a plain `await` would give: every pending continuation runs before the next poll).
 * Node's event loop runs callbacks scheduled with setImmediate during the check phase on the
 * next iteration, after the poll phase (https://nodejs.org/en/learn/asynchronous-work/event-loop-timers-and-nexttick).
 * Errors thrown by `work` (e.g. `pii_scan_too_costly`) reject the returned promise; the next
 * turn still runs.
 */
export async function redactionTurn<T>(work: () => T): Promise<T> {
  const before = tail;
  let done!: () => void;
  tail = new Promise<void>((resolve) => (done = resolve));
  try {
    await before;
    await nextTurn();
    turnStats.taken++;
    return work();
  } finally {
    done();
  }
}
