import { addSpan, type Span, type Taken } from "./spans.ts";

/** Luhn mod-10 over a digit string (ISO/IEC 7812-1 annex B): tells a card number from a typo. */
export function luhnValid(digits: string): boolean {
  if (!/^\d{2,}$/.test(digits)) return false;
  let sum = 0;
  for (let i = digits.length - 1, double = false; i >= 0; i--, double = !double) {
    let d = digits.charCodeAt(i) - 48;
    if (double && (d *= 2) > 9) d -= 9;
    sum += d;
  }
  return sum % 10 === 0;
}

/** GS1 mod-10 check digit (GS1 General Specifications §7.9): EAN-13, GTIN-14, SSCC-18. */
export function gs1Valid(digits: string): boolean {
  if (!/^\d{8,18}$/.test(digits)) return false;
  let sum = 0;
  for (let i = digits.length - 2, w = 3; i >= 0; i--, w = 4 - w) sum += (digits.charCodeAt(i) - 48) * w;
  return (10 - (sum % 10)) % 10 === digits.charCodeAt(digits.length - 1) - 48;
}

/**
 * Whether the issuer identification number (the leading digits) is one that issues cards of
 * this length (ISO/IEC 7812 ranges as the schemes publish them): Visa 4 (13, 16, 19),
 * Mastercard 51-55 and 2221-2720 (16), Mir 2200-2204, Amex 34/37 (15), Diners 300-305/36/38/39,
 * JCB 3528-3589, Discover 6011/644-649/65, UnionPay 62, Maestro 50/56-58/6, RuPay 60/81/82,
 * UATP 1 (15). Everything else (7, 8, 9, 0, 31-33…) is some other kind of number.
 */
function plausibleIssuer(d: string): boolean {
  const n = d.length;
  const two = Number(d.slice(0, 2));
  const four = Number(d.slice(0, 4));
  switch (d[0]) {
    case "1":
      return n === 15;
    case "2":
      return four >= 2200 && four <= 2720 && n >= 16;
    case "3":
      if (two === 34 || two === 37) return n === 15;
      if (four >= 3528 && four <= 3589) return n >= 16;
      if ((four >= 3000 && four <= 3059) || two === 36 || two === 38 || two === 39) return n >= 14;
      return false;
    case "4":
      return n === 13 || n === 16 || n === 19;
    case "5":
      return two >= 51 && two <= 55 ? n === 16 : n >= 13;
    case "6":
      return n >= 16;
    case "8":
      return (two === 81 || two === 82) && n === 16;
    default:
      return false;
  }
}

/**
 * A payment card number: 13-19 digits, Luhn-valid, from an issuer range that issues that length.
 * A 13-, 14- or 18-digit run with a valid GS1 check digit is a barcode (EAN-13, GTIN-14,
 * SSCC-18) — one in ten of those would pass Luhn too — and is not taken for a card.
 */
export function isCardDigits(digits: string): boolean {
  const n = digits.length;
  if (n < 13 || n > 19 || !luhnValid(digits) || !plausibleIssuer(digits)) return false;
  return !((n === 13 || n === 14 || n === 18) && gs1Valid(digits));
}

/** A JSON number can carry a card number too (amounts never reach 13 integer digits). */
export function isCardNumber(n: number): boolean {
  return Number.isInteger(n) && n >= 1e12 && n < 1e19 && isCardDigits(String(n));
}

// One compact run, or a first group of 4 then groups of 3-6 joined by one separator used
// throughout (4-4-4-4, 4-6-5 Amex, 4-4-4-4-3…): space (NBSP, narrow NBSP become spaces in the
// normalised text), dash (en dash, minus…), dot, slash or underscore. The neighbours keep
// card-shaped parts of SKUs, UUIDs and decimals out.
const CARD = /(?<![A-Za-z0-9]|[A-Za-z0-9][-./_])(?:\d{13,19}|\d{4}([ ./_-])\d{3,6}(?:\1\d{3,6}){1,5})(?![A-Za-z0-9]|[-./_][A-Za-z0-9])/g;

/** Card numbers in a normalised text (see normalizeText). */
export function scanCard(text: string, taken: Taken, found: Span[]): void {
  CARD.lastIndex = 0;
  for (let m = CARD.exec(text); m; m = CARD.exec(text)) {
    const sep = m[1];
    let end = m.index + m[0].length;
    let groups = sep === undefined ? [m[0]] : m[0].split(sep);
    // A space-separated card is often followed by more numbers (a CVC, an expiry): try
    // dropping trailing groups before giving up.
    for (;;) {
      if (isCardDigits(groups.join(""))) {
        if (!taken.overlaps(m.index, end)) addSpan(taken, found, { kind: "card", start: m.index, end });
        break;
      }
      if (sep !== " " || groups.length <= 3) break;
      end -= (groups.at(-1) as string).length + 1;
      groups = groups.slice(0, -1);
    }
  }
}
