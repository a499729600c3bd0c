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

// One compact run, or a first group of 4-6 then groups of 3-8 joined by one separator used
// throughout (4-4-4-4, 4-6-5 Amex, 4-4-4-4-3, and the unusual 4-8-4 or 5-5-6 of a form
// that splits the number its own way): space (NBSP, narrow NBSP become spaces in the
// normalised text), dash (en dash, minus…), dot, slash or underscore. The neighbours keep
// card-shaped parts of SKUs, UUIDs and decimals out.
const CARD = /(?<![A-Za-z0-9]|[A-Za-z0-9][-./_])(?:\d{13,19}|\d{4,6}([ ./_-])\d{3,8}(?:\1\d{3,8}){1,5})(?![A-Za-z0-9]|[-./_][A-Za-z0-9])/g;

// Groups of 3-8 digits joined by single spaces, from where a card pattern matched, as far as
// they go (not glued to a letter or an id after them).
const SPACED = /\d{3,8}(?: \d{3,8})*(?![A-Za-z0-9]|[-./_][A-Za-z0-9])/y;

/**
 * The cards in a list of space-separated digit groups, as [first, end) group ranges: the split
 * covering the most digits with cards (a card starts with a group of 4-6 and has 3-6 groups), so a
 * CVC or expiry after a card, a reference before it or a second card after it ("3056 930902 5904
 * 4111 1111 1111 1111") is told apart from it. Dynamic programming over the groups.
 */
function spacedCards(groups: readonly string[]): [number, number][] {
  const n = groups.length;
  // best[k]: most digits covered by cards in groups [0, k); from[k]: where that split's last
  // step starts, and whether that step is a card (else group k - 1 is skipped).
  const best = new Array<number>(n + 1).fill(0);
  const from = new Array<number>(n + 1).fill(0);
  const isCard = new Array<boolean>(n + 1).fill(false);
  for (let k = 0; k < n; k++) {
    if (best[k]! >= best[k + 1]! && !isCard[k + 1]) {
      best[k + 1] = best[k]!;
      from[k + 1] = k;
    }
    if (groups[k]!.length < 4 || groups[k]!.length > 6) continue;
    let digits = groups[k]!;
    for (let m = k + 1; m < n && digits.length < 19; m++) {
      digits += groups[m];
      if (m - k < 2 || digits.length > 19 || !isCardDigits(digits)) continue;
      if (best[k]! + digits.length > best[m + 1]!) {
        best[m + 1] = best[k]! + digits.length;
        from[m + 1] = k;
        isCard[m + 1] = true;
      }
    }
  }
  const out: [number, number][] = [];
  for (let k = n; k > 0; k = from[k]!) if (isCard[k]) out.push([from[k]!, k]);
  return out.reverse();
}

/**
 * Card numbers in a normalised text (see normalizeText). Space-separated groups are split into
 * cards as a whole (see spacedCards); other separators must be one card throughout.
 */
export function scanCard(text: string, taken: Taken, found: Span[]): void {
  CARD.lastIndex = 0;
  for (let m = CARD.exec(text); m; m = CARD.exec(text)) {
    if (m[1] !== " ") {
      const end = m.index + m[0].length;
      const digits = m[1] === undefined ? m[0] : m[0].split(m[1]).join("");
      if (isCardDigits(digits) && !taken.overlaps(m.index, end)) addSpan(taken, found, { kind: "card", start: m.index, end });
      continue;
    }
    SPACED.lastIndex = m.index;
    const run = SPACED.exec(text)?.[0] ?? m[0];
    const groups = run.split(" ");
    const starts: number[] = [];
    for (let k = 0, at = m.index; k < groups.length; at += groups[k]!.length + 1, k++) starts.push(at);
    for (const [a, b] of spacedCards(groups)) {
      const start = starts[a]!;
      const end = starts[b - 1]! + groups[b - 1]!.length;
      if (!taken.overlaps(start, end)) addSpan(taken, found, { kind: "card", start, end });
    }
    CARD.lastIndex = m.index + run.length;
  }
}
