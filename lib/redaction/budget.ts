import { WardenError } from "../errors/index.ts";

/**
 * libphonenumber calls one document (an action's input, context, output, a text) may cost when
 * it is scanned for storage: about 10–20 µs each on an idle core, so this bounds a document's
 * phone validation to well under a second. Everything else the detectors do is linear in the
 * text. A legitimate 96 KB body packed with 6,000 phone numbers needs about 12,000.
 */
export const DOCUMENT_CALL_BUDGET = 30_000;

/**
 * A per-document allowance of libphonenumber calls (the only super-linear cost of detection).
 * Deterministic, unlike a time limit: the same document is refused on every instance and
 * under any load.
 */
export class ScanBudget {
  used = 0;
  constructor(readonly limit: number = DOCUMENT_CALL_BUDGET) {}

  /**
   * Counts one library call.
   * @throws WardenError `pii_scan_too_costly` (413) once more than `limit` calls were needed:
   * the document can't be checked for PII at a bounded cost, so it is not stored.
   */
  spend(): void {
    if (++this.used > this.limit) {
      throw new WardenError(
        "pii_scan_too_costly",
        `This document holds too many phone-like numbers to be checked for personal data at a bounded cost (over ${this.limit} candidates); send fewer, or split it`,
        { limit: this.limit },
      );
    }
  }
}
