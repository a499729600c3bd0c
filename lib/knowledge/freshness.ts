/**
 * When a record may be relied on. A record is usable at time `now` when it is in force
 * (`effectiveFrom` ≤ now, when set), not expired (now < `expiresAt`, when set) and fresh: its
 * current value was published at most `maxAgeDays` days ago (when the set has a freshness rule).
 * Anything else is *stale* for a policy: reading it is an error, which fails the condition
 * closed (a deny or require_approval counts as matched) with a reason naming the record.
 */

export const DAY_MS = 86_400_000;

/** The timing facts of one record (times in ms since the epoch). */
export type RecordTimes = { publishedAt: number; effectiveFrom: number | null; expiresAt: number | null };

const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
const instant = (ms: number) => new Date(ms).toISOString().replace(".000Z", "Z");

/** Why the record can't be relied on at `now` (ms), or null when it can. */
export function recordProblem(r: RecordTimes, maxAgeDays: number | null, now: number): string | null {
  if (r.effectiveFrom !== null && now < r.effectiveFrom) return `not in force until ${instant(r.effectiveFrom)}`;
  if (r.expiresAt !== null && now >= r.expiresAt) return `expired at ${instant(r.expiresAt)}`;
  if (maxAgeDays !== null && now - r.publishedAt > maxAgeDays * DAY_MS) return `stale: last updated ${day(r.publishedAt)}, older than the set's ${maxAgeDays} days`;
  return null;
}

/** The first moment the record stops being usable (expiry or end of freshness); Infinity if never. */
export function unusableFrom(r: RecordTimes, maxAgeDays: number | null): number {
  const stale = maxAgeDays === null ? Infinity : r.publishedAt + maxAgeDays * DAY_MS + 1;
  return Math.min(stale, r.expiresAt ?? Infinity);
}

/** The error a policy condition gets for reading an unusable record (its message is the reason's). */
export class StaleKnowledgeError extends Error {
  constructor(
    readonly set: string,
    readonly key: string | null,
    readonly version: number,
    problem: string,
  ) {
    super(key === null ? `knowledge set ${set} ${problem}` : `knowledge record ${set}/${key} (v${version}) is ${problem}`);
    this.name = "StaleKnowledgeError";
  }
}
