/**
 * Amounts are counted exactly, in millionths (NUMERIC(24, 6) in the database, bigint here):
 * sums of prices like 0.1 + 0.2 never drift, so "the allowed sum never exceeds the limit"
 * holds to the last millionth.
 */
const SCALE = 1_000_000n;

/**
 * The largest running total a budget can hold: NUMERIC(24, 6) holds 18 digits before the
 * point, so 999,999,999,999,999,999.999999 (in millionths, 10^24 − 1). A decision or an
 * approval with changes that would push a total past it is refused (fail closed) instead of
 * failing its transaction.
 */
export const MAX_TOTAL_MICROS = 10n ** 24n - 1n;

/**
 * A finite number (|n| < 10^21) as millionths, rounded half away from zero on the number's
 * exact decimal value (`toFixed`, not `n * 1e6`, which loses digits above 2^53). A positive
 * amount smaller than half a millionth counts as one millionth: no positive amount is free.
 * Throws a RangeError on a non-finite number.
 */
export function toMicros(n: number): bigint {
  if (!Number.isFinite(n)) throw new RangeError(`not a finite amount: ${n}`);
  const m = numericToMicros(n.toFixed(6));
  if (m === 0n && n !== 0) return n > 0 ? 1n : -1n;
  return m;
}

/** A NUMERIC read from PostgreSQL ("123.450000") as millionths. */
export function numericToMicros(s: string | number): bigint {
  const str = typeof s === "number" ? s.toFixed(6) : s;
  const neg = str.startsWith("-");
  const [int, frac = ""] = (neg ? str.slice(1) : str).split(".");
  const v = BigInt(int || "0") * SCALE + BigInt((frac + "000000").slice(0, 6));
  return neg ? -v : v;
}

/** Millionths as a NUMERIC literal. */
export function microsToNumeric(m: bigint): string {
  const neg = m < 0n;
  const a = neg ? -m : m;
  return `${neg ? "-" : ""}${a / SCALE}.${(a % SCALE).toString().padStart(6, "0")}`;
}

/** Millionths as a number (for display and JSON). */
export function microsToNumber(m: bigint): number {
  return Number(m) / 1e6;
}
