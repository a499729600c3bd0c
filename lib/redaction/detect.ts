import { markerSpans } from "./marker.ts";
import type { DetectorKind } from "./rules.ts";

export type Span = { kind: DetectorKind; start: number; end: number };
type Range = { start: number; end: number };

const NONE: readonly Span[] = Object.freeze([]);

// Every pattern starts with a lookbehind that rejects positions inside a run, so each run is
// tried once, and no quantified group can match the same text two ways: linear time.
// They are shared and driven by exec() with lastIndex reset: cloning a regex per call (matchAll,
// new RegExp) cost more than the scan itself. Safe because detection is synchronous.
const EMAIL = /(?<![\w.%+-])[\w.%+-]+@(?:[A-Za-z0-9-]+\.)+[A-Za-z]{2,}(?![A-Za-z0-9-])/g;
// Groups of 3+ digits keep lists of small numbers out; `x-`/`x.` neighbours keep UUID tails,
// SKU suffixes and decimal fractions out.
const CARD = /(?<![A-Za-z0-9]|[A-Za-z0-9][-.])\d{3,19}(?:[ -]\d{3,19}){0,6}(?![A-Za-z0-9]|[-.][A-Za-z0-9])/g;
// A loose candidate; the country's fixed length decides where the IBAN really ends.
const IBAN = /(?<![A-Za-z0-9])[A-Za-z]{2}\d{2}(?: ?[A-Za-z0-9]){11,30}/g;
const PHONE_START = /(?<![A-Za-z0-9+]|[A-Za-z0-9][-./_])[+(]?\d/g;

/** ISO 13616 lengths (SWIFT IBAN registry): random tokens shaped like an IBAN rarely fit one. */
const IBAN_LENGTHS = new Map<string, number>(
  Object.entries({
    22: "BG BH CR DE GB GE IE ME RS VA",
    24: "AD CZ ES MD PK RO SA SE SK TN VG",
    20: "AT BA EE KZ LT LU MN XK",
    28: "AL AZ BY CY DO GT HN HU LB NI PL SV",
    18: "DK FI FK FO GL NL SD",
    27: "BI DJ FR GR IT MC MR SM",
    29: "BR EG PS QA UA",
    23: "AE GI IL IQ OM SO TL",
    21: "CH HR LI LV",
    30: "JO KW MU YE",
    26: "IS TR",
    25: "LY ST",
    19: "MK SI",
    31: "MT SC",
    16: "BE",
    15: "NO",
    32: "LC",
    33: "RU",
  }).flatMap(([len, codes]) => codes.split(" ").map((c): [string, number] => [c, Number(len)])),
);

const isDigit = (c: number) => c >= 48 && c <= 57;
const isAlnum = (c: number) => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);

/** Luhn mod-10 over a digit string: the check that tells a card number from any other digit run. */
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

/** ISO 13616 mod-97 over a compact IBAN (either case); a typo'd or made-up one is not an IBAN. */
export function ibanChecksumValid(iban: string): boolean {
  if (!/^[A-Za-z]{2}\d{2}[A-Za-z0-9]+$/.test(iban)) return false;
  const s = (iban.slice(4) + iban.slice(0, 4)).toUpperCase();
  let r = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    r = isDigit(c) ? (r * 10 + c - 48) % 97 : (r * 100 + c - 55) % 97;
  }
  return r === 1;
}

/** Card issuers never use a leading 0; zero-padded ERP ids (18-digit SAP numbers) often do. */
export function isCardDigits(digits: string): boolean {
  return digits.length >= 13 && digits.length <= 19 && digits.charCodeAt(0) !== 48 && luhnValid(digits);
}

/** A JSON number can carry a card number too (amounts never reach 13 integer digits). */
export function isCardNumber(n: number): boolean {
  return Number.isInteger(n) && n >= 1e12 && n < 1e19 && isCardDigits(String(n));
}

/** Cheap gate: card, IBAN and phone all need at least 8 digits. */
function hasDigits(text: string, min: number): boolean {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (isDigit(text.charCodeAt(i)) && ++n >= min) return true;
  return false;
}

function overlaps(taken: readonly Range[], start: number, end: number): boolean {
  for (const t of taken) if (start < t.end && end > t.start) return true;
  return false;
}

/** A span found is also taken, so later (lower-priority) detectors skip it. */
function add(taken: Range[], found: Span[], span: Span) {
  found.push(span);
  taken.push(span);
}

function scanEmail(text: string, taken: Range[], found: Span[]) {
  EMAIL.lastIndex = 0;
  for (let m = EMAIL.exec(text); m; m = EMAIL.exec(text)) {
    const end = m.index + m[0].length;
    if (!overlaps(taken, m.index, end)) add(taken, found, { kind: "email", start: m.index, end });
  }
}

function scanCard(text: string, taken: Range[], found: Span[]) {
  CARD.lastIndex = 0;
  for (let m = CARD.exec(text); m; m = CARD.exec(text)) {
    const end = m.index + m[0].length;
    if (isCardDigits(m[0].replace(/[ -]/g, "")) && !overlaps(taken, m.index, end)) {
      add(taken, found, { kind: "card", start: m.index, end });
    }
  }
}

/** Where the IBAN starting at `start` ends, or -1. Spaces are allowed only between groups of 4. */
function ibanEnd(text: string, start: number): number {
  const want = IBAN_LENGTHS.get(text.slice(start, start + 2).toUpperCase());
  if (want === undefined) return -1;
  let compact = text.slice(start, start + 4);
  let p = start + 4;
  while (compact.length < want && p < text.length) {
    const c = text.charCodeAt(p);
    if (c === 32 && compact.length % 4 === 0) p++;
    else if (isAlnum(c)) compact += text[p++];
    else return -1;
  }
  if (compact.length < want || (p < text.length && isAlnum(text.charCodeAt(p)))) return -1;
  return ibanChecksumValid(compact) ? p : -1;
}

function scanIban(text: string, taken: Range[], found: Span[]) {
  const re = IBAN;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    // The candidate may run into the next word, so resume right after what was really used.
    const end = ibanEnd(text, m.index);
    if (end < 0 || overlaps(taken, m.index, end)) {
      re.lastIndex = m.index + 1;
      continue;
    }
    add(taken, found, { kind: "iban", start: m.index, end });
    re.lastIndex = end;
  }
}

/**
 * Reads digit groups from `start` (single space/dot/dash between them, or a parenthesised
 * group) and returns where the phone number ends, or -1. Accepted shapes: "+" and 8-15 digits;
 * "(area) rest" or a leading-0 number with one consistent separator, 9-12 digits; North
 * American 3-3-4 with dashes or dots. Anything else (dates, prices, ids) is not a phone.
 */
function phoneEnd(text: string, start: number): number {
  const intl = text.charCodeAt(start) === 43;
  const sizes: number[] = [];
  const seps: string[] = [];
  let parenAt = -1;
  let parens = 0;
  let digits = 0;
  let end = -1;
  let sep = "";
  let p = intl ? start + 1 : start;
  for (;;) {
    const paren = text.charCodeAt(p) === 40;
    let q = paren ? p + 1 : p;
    const from = q;
    while (isDigit(text.charCodeAt(q))) q++;
    const n = q - from;
    if (n === 0 || (paren && (n > 5 || text.charCodeAt(q) !== 41))) break;
    if (paren) {
      q++;
      parens++;
      parenAt = sizes.length;
    }
    if ((digits += n) > 15) return -1;
    sizes.push(n);
    seps.push(sep);
    end = p = q;
    const c = text.charCodeAt(p);
    const next = text.charCodeAt(p + 1);
    if ((c === 32 || c === 45 || c === 46) && (isDigit(next) || next === 40)) {
      sep = text[p++] as string;
    } else if (c === 40 || (paren && isDigit(c))) {
      sep = "";
    } else break;
  }
  if (end < 0 || isAlnum(text.charCodeAt(end))) return -1;
  if ("-./_".includes(text[end] ?? " ") && isAlnum(text.charCodeAt(end + 1))) return -1;

  if (intl) return digits >= 8 ? end : -1;
  if (sizes.length < 2 || digits < 9 || digits > 12) return -1;
  const [first = 0, ...rest] = sizes;
  if (parens === 1 && parenAt === 0) return first >= 2 && first <= 5 && rest.every((s) => s >= 2) ? end : -1;
  if (parens > 0) return -1;
  const oneSep = seps.slice(2).every((s) => s === seps[1]) && seps[1] !== "";
  if (text.charCodeAt(start) === 48) {
    return oneSep && first >= 2 && first <= 5 && rest.every((s) => s >= 2) ? end : -1;
  }
  const nanp = sizes.length === 3 && first === 3 && sizes[1] === 3 && sizes[2] === 4;
  return nanp && oneSep && seps[1] !== " " ? end : -1;
}

function scanPhone(text: string, taken: Range[], found: Span[]) {
  const re = PHONE_START;
  re.lastIndex = 0;
  for (let m = re.exec(text); m; m = re.exec(text)) {
    const end = phoneEnd(text, m.index);
    if (end < 0 || overlaps(taken, m.index, end)) {
      re.lastIndex = m.index + 1; // "(06 12 …)" fails as an area code, then succeeds from "0"
      continue;
    }
    add(taken, found, { kind: "phone", start: m.index, end });
    re.lastIndex = end;
  }
}

/**
 * PII spans in a text, in order, never overlapping each other or an existing marker. Email
 * runs first (an address may hold digits), then IBAN and card, so their digits are never
 * taken for a phone.
 */
export function detectPii(text: string, on: Readonly<Record<DetectorKind, boolean>>): readonly Span[] {
  const email = on.email && text.includes("@");
  const digits = (on.card || on.iban || on.phone) && hasDigits(text, 8);
  if (!email && !digits) return NONE;
  const found: Span[] = [];
  const taken: Range[] = text.includes("[redacted:") ? markerSpans(text) : [];
  if (email) scanEmail(text, taken, found);
  if (digits && on.iban) scanIban(text, taken, found);
  if (digits && on.card) scanCard(text, taken, found);
  if (digits && on.phone) scanPhone(text, taken, found);
  return found.length > 1 ? found.sort((a, b) => a.start - b.start) : found;
}
