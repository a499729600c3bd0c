import type { DetectorKind } from "./rules.ts";

/** A detected value: `start`/`end` are UTF-16 offsets, end exclusive. */
export type Span = { kind: DetectorKind; start: number; end: number };
export type Range = { start: number; end: number };

/**
 * The ranges already claimed (existing markers, then each detector's finds). Each detector
 * scans left to right, so ranges arrive in runs of increasing order: they are kept as a few
 * sorted lists and an overlap check is a binary search in each — a text with thousands of
 * values stays linear-logarithmic instead of quadratic.
 */
export class Taken {
  private readonly lists: Range[][] = [];

  constructor(initial: readonly Range[] = []) {
    for (const r of initial) this.add(r);
  }

  add(r: Range): void {
    const last = this.lists.at(-1);
    const tail = last?.at(-1);
    if (last && tail && tail.end <= r.start) last.push(r);
    else this.lists.push([r]);
  }

  /** Every range taken so far, in no particular order. */
  ranges(): Range[] {
    return this.lists.flat();
  }

  overlaps(start: number, end: number): boolean {
    for (const list of this.lists) {
      // The first range ending after `start`: the only one that can overlap from the left.
      let lo = 0;
      let hi = list.length;
      while (lo < hi) {
        const mid = (lo + hi) >>> 1;
        if ((list[mid] as Range).end <= start) lo = mid + 1;
        else hi = mid;
      }
      const r = list[lo];
      if (r && r.start < end) return true;
    }
    return false;
  }
}

/** A span found is also taken, so later (lower-priority) detectors skip it. */
export function addSpan(taken: Taken, found: Span[], span: Span): void {
  found.push(span);
  taken.add(span);
}

export const isDigit = (c: number): boolean => c >= 48 && c <= 57;
export const isAsciiAlnum = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
