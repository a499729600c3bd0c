import { WardenError } from "../errors/index.ts";

/**
 * Work units one request may cost to scan for PII, all its documents together (input,
 * context, resource, idempotency key and policy messages share one budget; see
 * storageRedactor). A unit is one libphonenumber parse or matcher step (about 15–30 µs on an
 * idle core), or PIECES_PER_UNIT candidate pieces of a digit run tried before the library
 * (the linear part of the phone scan). Everything else the detectors do is a few regular
 * expressions over the text, linear and cheap (256 KB of prose: ~2 ms).
 *
 * 2,000 units bound one request's scan whatever the body holds: 60–190 ms of CPU per hostile
 * 78 KiB body on the shared 2-core dev machine (`npm run bench:pii-hostile`; less on an idle
 * core). Requests are redacted one turn at a time (turn.ts), so that is also about how long a
 * halt's next step can wait for a turn. Enough for ordinary agent traffic with room to spare
 * (a 1 KB order with a phone number costs 1–3 units; a body listing about
 * 1,500 phone numbers fits). Past it the request is refused — see ScanBudget.spend for why.
 */
export const REQUEST_WORK_BUDGET = 2_000;

/** Candidate pieces of a digit run tried (before any library call) per work unit. */
export const PIECES_PER_UNIT = 128;

/**
 * A per-request allowance of detection work (see REQUEST_WORK_BUDGET). Deterministic, unlike a
 * time limit: the same request is refused on every instance and under any load, and the
 * refusal can be tested without a clock.
 */
export class ScanBudget {
  /** Work units spent so far. */
  used = 0;
  private pieces = 0;
  readonly limit: number;

  constructor(limit: number = REQUEST_WORK_BUDGET) {
    this.limit = limit;
  }

  /**
   * Counts `units` of work (default 1: one libphonenumber call).
   * @throws WardenError `pii_scan_too_costly` (kind too_large → HTTP 413) once more than
   * `limit` units were needed. Fail closed: a value Warden can't check for PII at a bounded
   * cost is not stored, and the request it came in is refused as a whole (not allowed, not
   * recorded), never stored half-checked nor waved through. The caller can split the data.
   */
  spend(units = 1): void {
    this.used += units;
    if (this.used > this.limit) {
      throw new WardenError(
        "pii_scan_too_costly",
        `This request holds too many phone-like numbers to be checked for personal data at a bounded cost (over ${this.limit} work units); send fewer, or split it`,
        { limit: this.limit },
      );
    }
  }

  /** Counts one candidate piece of a digit run; a unit every PIECES_PER_UNIT pieces. */
  piece(): void {
    if (++this.pieces % PIECES_PER_UNIT === 0) this.spend();
  }
}
