/**
 * Splitting a run of digit groups ("0612345601 0698765402", "415-555-0132 415-555-0133",
 * "06 12 34 56 78 06 98 76 54 32") into the phone numbers it holds. A run is what the phone
 * scanner's pattern takes in one go: digit groups joined by single separators. Several numbers
 * side by side make one run, so a run is never validated only as a whole.
 */

/** A group of digits in a run: [start, end) relative to the run. */
export type Group = { start: number; end: number };

/** A phone number found in a run: groups `i`..`j`, and its span [start, end) in the run. */
export type Piece = { i: number; j: number; start: number; end: number };

/** A number has 8 to 20 digits as written (E.164's 15, an exit code or trunk prefix, a "(0)"). */
export const MIN_DIGITS = 8;
export const MAX_DIGITS = 20;

export function groupsOf(run: string): Group[] {
  const groups: Group[] = [];
  for (const m of run.matchAll(/\d+/g)) groups.push({ start: m.index, end: m.index + m[0].length });
  return groups;
}

/** Where a piece starting at group `i` starts: the run's own lead ("(+", "+", "(") or the "(" of "(415)". */
function pieceStart(run: string, groups: readonly Group[], i: number): number {
  if (i === 0) return 0;
  const g = groups[i] as Group;
  return run[g.start - 1] === "(" ? g.start - 1 : g.start;
}

/** Where a piece ending at group `j` ends: with the run's end, or after the ")" of "(415)". */
function pieceEnd(run: string, groups: readonly Group[], j: number): number {
  if (j === groups.length - 1) return run.length;
  const g = groups[j] as Group;
  return run[g.end] === ")" ? g.end + 1 : g.end;
}

const separator = (run: string, groups: readonly Group[], k: number) => run.slice((groups[k - 1] as Group).end, (groups[k] as Group).start);

/** How deep the look-ahead of splitRun goes before it assumes the next number is there. */
const MAX_LOOKAHEAD = 32;

/**
 * The phone numbers of a run, left to right. From each group, the longest piece (at most
 * MAX_DIGITS digits, ending at or before group `last`) that `tryPiece` accepts and that stands
 * apart from the rest of the run; after a number, the search goes on from the next group.
 * `tryPiece(i, j, start, end, digits)` validates the piece run.slice(start, end) (`digits`
 * digits) and returns the span of the number covering all its digits, or null.
 *
 * Standing apart: a side of a piece is *tight* when the neighbouring group is joined to it by a
 * separator the piece uses inside ("250 500 1000" in "weights 100 250 500 1000 g": a valid
 * Canadian number, but three items of a list), or by punctuation without a space ("1299.00",
 * "2026-11-25", "12345678-01": one value, as the scanner's own boundaries say). A number counts
 * when each tight side borders another number found: the whole run, one compact group in a
 * list ("0612345601 0698765402"), "415-555-0132 415-555-0133", "0612345678/0698765432" and
 * "06 12 34 56 78 06 98 76 54 32" do; "06 12 34 56 78 90" doesn't.
 */
export function splitRun(
  run: string,
  groups: readonly Group[],
  last: number,
  tryPiece: (i: number, j: number, start: number, end: number, digits: number) => { start: number; end: number } | null,
): Piece[] {
  const n = groups.length;
  const digitsOf = (k: number) => (groups[k] as Group).end - (groups[k] as Group).start;
  // Numbers found, by piece: a piece is asked about again only when it wasn't one.
  const validated = new Map<number, { start: number; end: number }>();
  const valid = (i: number, j: number, digits: number) => {
    const key = i * (n + 1) + j;
    const known = validated.get(key);
    if (known) return known;
    const hit = tryPiece(i, j, pieceStart(run, groups, i), pieceEnd(run, groups, j), digits);
    if (hit) validated.set(key, hit);
    return hit;
  };
  const insideSeparators = (i: number, j: number) => {
    const inside = new Set<string>();
    for (let k = i + 1; k <= j; k++) inside.add(separator(run, groups, k));
    return inside;
  };
  // The number starting at group i, given whether one ends right before it (memoised).
  const afterNumber = new Map<number, Piece | null>();
  const numberAt = (i: number, adjacent: boolean, depth: number): Piece | null => {
    if (i > last) return null;
    const known = afterNumber.get(i);
    if (adjacent && known !== undefined) return known;
    // None even after a number: none without one either (that only adds a condition).
    if (known === null) return null;
    let j = i;
    let digits = digitsOf(i);
    while (j < last && digits + digitsOf(j + 1) <= MAX_DIGITS) digits += digitsOf(++j);
    let found: Piece | null = null;
    for (; j >= i && digits >= MIN_DIGITS; digits -= digitsOf(j--)) {
      if (digits > MAX_DIGITS) continue;
      const hit = valid(i, j, digits);
      if (!hit) continue;
      const inside = i === j ? null : insideSeparators(i, j);
      const tight = (sep: string) => !sep.includes(" ") || (inside !== null && inside.has(sep));
      const leftTight = i > 0 && tight(separator(run, groups, i));
      const rightTight = j < n - 1 && tight(separator(run, groups, j + 1));
      const deep = depth >= MAX_LOOKAHEAD;
      if (leftTight && !adjacent) continue;
      if (rightTight && !deep && numberAt(j + 1, true, depth + 1) === null) continue;
      if (found) {
        // A shorter number from i wins only when the next one then reaches past the longer one.
        const next = deep ? null : numberAt(j + 1, true, depth + 1);
        if (next && next.j > found.j) {
          found = { i, j, ...hit };
          break;
        }
        continue;
      }
      found = { i, j, ...hit };
      // The longest number from here swallowed the start of the next one ("+234 802 123 4567
      // 415-555-0132": Nigeria's lengths allow the "415"): shorter readings may do better.
      if (j === last || deep || numberAt(j + 1, true, depth + 1) !== null) break;
    }
    if (adjacent) afterNumber.set(i, found);
    return found;
  };
  const out: Piece[] = [];
  for (let i = 0, adjacent = false; i <= last; ) {
    const p = numberAt(i, adjacent, 0);
    if (p) {
      out.push(p);
      i = p.j + 1;
      adjacent = true;
    } else {
      i++;
      adjacent = false;
    }
  }
  return out;
}
