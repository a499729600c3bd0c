/**
 * Amounts are counted exactly, in millionths (NUMERIC(24, 6) in the database, bigint here):
 * sums of prices like 0.1 + 0.2 never drift, so "the allowed sum never exceeds the limit"
 * holds to the last millionth.
 */
const SCALE = 1_000_000n;

/** A number as millionths (rounded half away from zero). */
export function toMicros(n: number): bigint {
  return BigInt(Math.round(n * 1e6));
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
