import type pg from "pg";
import { unavailable, type WardenError } from "../errors/index.ts";

/** Consecutive failed commits, for lack of a database, that open the circuit. */
export const OPEN_AFTER_FAILURES = 2;
/** While open, how often one `SELECT 1` probes the database. */
export const PROBE_EVERY_MS = 500;

/**
 * A circuit breaker on the decision path's database (Nygard, "Release It!", ch. 5): after
 * OPEN_AFTER_FAILURES consecutive commits failed because the database was unreachable or too
 * slow, it opens and decisions fail at once (503, Retry-After until the next probe) instead of
 * each waiting out a timeout and piling up; every PROBE_EVERY_MS one `SELECT 1` probes the
 * database, and the first that succeeds closes it. A commit that succeeds closes it too.
 * Nothing is ever allowed without being stored: an open circuit only refuses sooner.
 */
export class DbCircuit {
  private failures = 0;
  private openSince: number | null = null;
  private nextProbeAt = 0;
  private probing: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly probePool: () => pg.Pool,
    private readonly log: (line: string) => void = (line) => console.error(line),
  ) {}

  /** True while decisions are refused without trying. */
  get isOpen(): boolean {
    return this.openSince !== null;
  }

  /** The error to refuse with while open (null when closed). */
  refusal(): WardenError | null {
    if (this.openSince === null) return null;
    const wait = Math.max(0, this.nextProbeAt - Date.now()) + PROBE_EVERY_MS;
    return unavailable("The database is unavailable; decisions are refused until it is back (nothing was recorded)", wait / 1000);
  }

  /** A commit reached the database. */
  succeeded(): void {
    this.failures = 0;
    if (this.openSince !== null) this.close("a commit succeeded");
  }

  /** A commit failed because the database was unavailable. */
  failed(reason: string): void {
    this.failures++;
    if (this.openSince === null && this.failures >= OPEN_AFTER_FAILURES) {
      this.openSince = Date.now();
      this.log(`[decisions] database unavailable (${reason}): refusing decisions with 503, probing every ${PROBE_EVERY_MS} ms`);
      this.scheduleProbe();
    }
  }

  /** Stops probing (tests, shutdown). */
  dispose(): void {
    if (this.probing) clearTimeout(this.probing);
    this.probing = null;
  }

  private close(why: string) {
    const down = this.openSince === null ? 0 : Date.now() - this.openSince;
    this.openSince = null;
    this.failures = 0;
    this.dispose();
    this.log(`[decisions] database back after ${(down / 1000).toFixed(1)} s (${why}): accepting decisions`);
  }

  private scheduleProbe() {
    this.nextProbeAt = Date.now() + PROBE_EVERY_MS;
    this.probing = setTimeout(() => void this.probe(), PROBE_EVERY_MS);
    this.probing.unref();
  }

  private async probe() {
    this.probing = null;
    if (this.openSince === null) return;
    try {
      await this.probePool().query("SELECT 1");
      if (this.openSince !== null) this.close("probe answered");
    } catch {
      if (this.openSince !== null) this.scheduleProbe();
    }
  }
}
