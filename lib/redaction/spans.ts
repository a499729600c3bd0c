import type { DetectorKind } from "./rules.ts";

/** A detected value: `start`/`end` are UTF-16 offsets, end exclusive. */
export type Span = { kind: DetectorKind; start: number; end: number };
export type Range = { start: number; end: number };

export function overlaps(taken: readonly Range[], start: number, end: number): boolean {
  for (const t of taken) if (start < t.end && end > t.start) return true;
  return false;
}

/** A span found is also taken, so later (lower-priority) detectors skip it. */
export function addSpan(taken: Range[], found: Span[], span: Span): void {
  found.push(span);
  taken.push(span);
}

export const isDigit = (c: number): boolean => c >= 48 && c <= 57;
export const isAsciiAlnum = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
