import { countrySpecs, isValidIBAN } from "ibantools";
import { addSpan, isAsciiAlnum, type Span, type Taken } from "./spans.ts";

/**
 * Whether a compact IBAN (either case) is valid: ISO 13616 country, length and BBAN structure
 * from the SWIFT IBAN registry, the national check digits some countries define, and mod-97
 * (ISO 7064) — all by `ibantools`.
 */
export function ibanValid(compact: string): boolean {
  return isValidIBAN(compact.toUpperCase());
}

/** ISO 13616 mod-97 alone over a compact IBAN (either case): kept for callers that only need it. */
export function ibanChecksumValid(iban: string): boolean {
  if (!/^[A-Za-z]{2}\d{2}[A-Za-z0-9]+$/.test(iban)) return false;
  const s = (iban.slice(4) + iban.slice(0, 4)).toUpperCase();
  let r = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    r = c <= 57 ? (r * 10 + c - 48) % 97 : (r * 100 + c - 55) % 97;
  }
  return r === 1;
}

const IBAN_START = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}/g;
const isSeparator = (c: number) => c === 32 || c === 45 || c === 46; // space (NBSP…), dash (en dash…), dot

/**
 * Where the IBAN starting at `start` ends, or -1. The country's registered length decides where
 * it ends (so a short word after it is not swallowed); one space, dash or dot may stand between
 * any two characters after the country code and check digits ("FR76-3000-6000…",
 * "DE89.3704.0044…", grouped by 4 or by bank/branch/account).
 */
function ibanEnd(text: string, start: number): number {
  const want = countrySpecs[text.slice(start, start + 2).toUpperCase()]?.chars;
  if (!want) return -1;
  let compact = text.slice(start, start + 4);
  let p = start + 4;
  while (compact.length < want && p < text.length) {
    const c = text.charCodeAt(p);
    if (isAsciiAlnum(c)) compact += text[p++];
    else if (isSeparator(c) && isAsciiAlnum(text.charCodeAt(p + 1))) p++;
    else return -1;
  }
  if (compact.length < want || (p < text.length && isAsciiAlnum(text.charCodeAt(p)))) return -1;
  // The plain mod-97 first: it rejects 96 in 97 random candidates for a fraction of the cost.
  return ibanChecksumValid(compact) && ibanValid(compact) ? p : -1;
}

/** IBANs in a normalised text (see normalizeText). */
export function scanIban(text: string, taken: Taken, found: Span[]): void {
  const re = IBAN_START;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const end = ibanEnd(text, m.index);
    if (end < 0 || taken.overlaps(m.index, end)) continue;
    addSpan(taken, found, { kind: "iban", start: m.index, end });
    re.lastIndex = end;
  }
}
