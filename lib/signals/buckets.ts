/**
 * Time buckets. Counters are kept per 10-second bucket: fine enough that a 5-minute window is
 * 30 buckets (its edge moves in 10-second steps), coarse enough that a busy scope writes one
 * row per bucket and shard — ~8,640 rows a day per scope — and a 24-hour window is read from
 * at most 8,640 × shards small rows. One-minute buckets would make a 60-second window jump
 * by its whole length; one-second buckets would multiply rows tenfold for no decision that
 * needs them. Bucket times are PostgreSQL's clock (`now()` of the writing transaction), so
 * instances with skewed clocks still agree.
 */
export const BUCKET_SECONDS = 10;

/** SQL for the bucket `t` (a timestamptz expression) falls in. */
export function bucketSql(t: string): string {
  return `date_bin(interval '${BUCKET_SECONDS} seconds', ${t}, timestamptz '1970-01-01 00:00:00+00')`;
}

/** The start of the bucket `at` falls in. */
export function bucketStart(at: Date | number): Date {
  const ms = typeof at === "number" ? at : at.getTime();
  return new Date(Math.floor(ms / (BUCKET_SECONDS * 1000)) * BUCKET_SECONDS * 1000);
}

/** How many buckets "the last `seconds`" spans, the current (partial) one included. */
export function bucketsIn(seconds: number): number {
  return Math.max(1, Math.ceil(seconds / BUCKET_SECONDS));
}

/**
 * SQL for the first bucket of "the last `seconds` seconds" at `now` (a timestamptz
 * expression): the current bucket and the `bucketsIn(seconds) − 1` before it, so the window
 * covers between `seconds − 10` and `seconds` seconds of real time.
 */
export function windowStartSql(now: string, seconds: number): string {
  return `(${bucketSql(now)} - interval '${(bucketsIn(seconds) - 1) * BUCKET_SECONDS} seconds')`;
}
