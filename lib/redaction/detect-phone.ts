import { getExampleNumber, Metadata, parsePhoneNumberFromString, PhoneNumberMatcher, type CountryCode } from "libphonenumber-js/max";
import examples from "libphonenumber-js/mobile/examples";
import { gs1Valid } from "./detect-card.ts";
import type { PhoneRegions } from "./phone-regions.ts";
import { addSpan, isAsciiAlnum, isDigit, type Span, type Taken } from "./spans.ts";

// A run that could hold a phone number: an optional "(", "+" or "(+", then digits with single
// spaces, dots, dashes, slashes (German "030/1234567") and parentheses between them. Not inside a word or an id ("ORD-2026…",
// "LUX-001…", UUID tails): the lookbehind wants no letter or digit before it, nor one joined by
// - . / _. The normalised text has one kind of space and one kind of dash.
const WINDOW = /(?<![A-Za-z0-9+]|[A-Za-z0-9][-./_])(?:\(\+?|\+)?\d(?:\)?[ ./-]?\(?\d)*\)?/g;

// Shapes that are never phone numbers and are common in agent traffic; rejected before the
// (much slower) library is asked.
const DECIMAL = /^\d+\.\d+$/;
const DATE = /^(?:\d{4}[-./ ]\d{1,2}[-./ ]\d{1,2}|\d{1,2}[-./ ]\d{1,2}[-./ ]\d{4})$/;
const IPV4 = /^\d{1,3}(?:\.\d{1,3}){3}$/;
const THOUSANDS = /^\d{1,3}(?:[.,]\d{3})+$/;
const CURRENCY_BEFORE = /[$€£¥₹₫] ?$/;
const CURRENCY_AFTER = /^ ?[$€£¥₹₫]/;
// North American shape: optional 1, then (NXX) NXX-XXXX or NXX-NXX-XXXX with one separator.
const NANP = /^(?:\+?1[ .-]?)?(?:\([2-9]\d\d\) ?|[2-9]\d\d([ .-]))\d{3}([ .-])\d{4}$/;
const INTERNATIONAL = /^ ?\(?(?:\+|00|011)/;
const PLUS = /^\(?\+/;

function digitCount(s: string): number {
  let n = 0;
  for (let i = 0; i < s.length; i++) if (isDigit(s.charCodeAt(i))) n++;
  return n;
}

/** Whether the run is followed by what makes it something else: a letter, "-x", ":30", "%". */
function badRight(text: string, end: number): boolean {
  const c = text.charCodeAt(end);
  if (isAsciiAlnum(c) || c === 37 /* % */) return true;
  const next = text.charCodeAt(end + 1);
  if ((c === 45 || c === 46 || c === 47 || c === 95) && isAsciiAlnum(next)) return true;
  return c === 58 /* : */ && isDigit(next);
}

function notAPhone(w: string, text: string, start: number): boolean {
  const digits = digitCount(w);
  if (digits < 8 || digits > 20) return true;
  if (DECIMAL.test(w) || DATE.test(w) || IPV4.test(w) || THOUSANDS.test(w)) return true;
  // An EAN-13 or GTIN-14 ("0012345678905" would otherwise read as 00 1 234-567-8905).
  if ((digits === 13 || digits === 14) && /^\d+$/.test(w) && gs1Valid(w)) return true;
  return CURRENCY_BEFORE.test(text.slice(Math.max(0, start - 2), start)) || CURRENCY_AFTER.test(text.slice(start + w.length, start + w.length + 2));
}

/** Grouped by a space, dot, dash, slash or parentheses: typed as a phone number is written. */
const formatted = (s: string) => /\d[ ./()-]+\d|^\(/.test(s);

type Hit = { start: number; end: number };

const lengthsByRegion = new Map<CountryCode, ReadonlySet<number>>();

/**
 * Digit counts a national number of `region` can have as written: its possible lengths from
 * the metadata, plus a national (trunk) prefix of up to two digits. Asking the library about a
 * run of any other length is wasted time (a 13-digit barcode is no French number).
 */
function writtenLengths(region: CountryCode): ReadonlySet<number> {
  let set = lengthsByRegion.get(region);
  if (!set) {
    const m = new Metadata();
    m.selectNumberingPlan(region);
    set = new Set((m.numberingPlan?.possibleLengths() ?? []).flatMap((n) => [n, n + 1, n + 2]));
    lengthsByRegion.set(region, set);
  }
  return set;
}

const prefixByRegion = new Map<CountryCode, string>();

/**
 * The national (trunk) prefix a region writes in front of its national numbers, read off the
 * national format of its example mobile number ("06 12 34 56 78" → "0"; "(201) 555-0123" → ""):
 * a run without it can't pass writtenNationally there, so the library needn't be asked. Regions
 * whose mobiles go without it (CN) get "" and no shortcut.
 */
function writtenPrefix(region: CountryCode): string {
  let prefix = prefixByRegion.get(region);
  if (prefix === undefined) {
    const ex = getExampleNumber(region, examples);
    const national = ex?.formatNational().replace(/\D/g, "") ?? "";
    const nsn = ex?.nationalNumber ?? "";
    prefix = national.length > nsn.length && national.endsWith(nsn) ? national.slice(0, national.length - nsn.length) : "";
    prefixByRegion.set(region, prefix);
  }
  return prefix;
}

/** Digit-group boundaries counted from the end: "020 7946 0958" → [4, 8]. */
function boundariesFromEnd(s: string): number[] {
  const groups = s.split(/\D+/).filter((g) => g !== "");
  const out: number[] = [];
  let acc = 0;
  for (let i = groups.length - 1; i > 0; i--) out.push((acc += (groups[i] as string).length));
  return out;
}

/**
 * Whether the written groups are whole groups of the country's own national format (Google's
 * STRICT_GROUPING idea: "650 253 0000" and "6502530000" are, "65 02 53 00 00" is not), counted
 * from the end so a written or omitted trunk prefix ("1-800-…") doesn't matter.
 */
function groupedAsItsCountry(written: string, national: string): boolean {
  const allowed = new Set(boundariesFromEnd(national));
  allowed.add(digitCount(national));
  return boundariesFromEnd(written).every((b) => allowed.has(b));
}

/** No group of a single digit ("0-306-40615-2" is an ISBN; "0 800 …" keeps its trunk 0). */
const noLoneDigits = (written: string) => !/(?:^|\D)\d(?:\D|$)/.test(written.replace(/^\(?[01][ .-]/, ""));

/**
 * Whether a number written without a country code is written as its country writes it:
 * the national (trunk) prefix present when the national format has one ("100234567" is an order
 * number, not 01 00 23 45 67 — Google's isNationalPrefixPresentIfRequired, which
 * libphonenumber-js's matcher does not apply at leniency VALID), and, when grouped, grouped in
 * that country's way. A `foreign` region must see exactly its grouping; the home region also
 * takes any grouping without lone digits ("0800 123 456", "06 123 456 78").
 */
function writtenNationally(written: string, national: string, foreign: boolean): boolean {
  const digits = written.replace(/\D/g, "");
  const nationalDigits = national.replace(/\D/g, "");
  if (nationalDigits.length > digits.length && nationalDigits.endsWith(digits)) return false;
  if (!formatted(written)) return !foreign;
  return groupedAsItsCountry(written, national) || (!foreign && noLoneDigits(written));
}

/**
 * libphonenumber's matcher (the engine of its findPhoneNumbersInText; leniency VALID: valid for
 * its country, or POSSIBLE after a "+") on one run, offsets relative to the run; [] when nothing
 * is. Numbers without a country code must also pass writtenNationally ("36 38 40 42 44" is a
 * list of sizes, not the valid US number (363) 840-4244).
 */
function find(w: string, region: CountryCode, foreign: boolean, digits: number): Hit[] {
  if (!INTERNATIONAL.test(w)) {
    if (!writtenLengths(region).has(digits)) return [];
    const prefix = writtenPrefix(region);
    if (prefix !== "" && !w.replace(/^\(/, "").startsWith(prefix)) return [];
  }
  const hits: Hit[] = [];
  // Written with "+", a number only has to be possible (a country code, a length that country
  // uses): "+" is evidence enough, and ranges kept for fiction or not yet in the metadata
  // (+44 7700 900123) are someone's number all the same. leniency is a documented option of
  // the matcher that the type definitions leave out.
  const options = { defaultCountry: region, v2: true as const, leniency: PLUS.test(w) ? "POSSIBLE" : "VALID" };
  const matcher = new PhoneNumberMatcher(w, options);
  while (matcher.hasNext()) {
    const f = matcher.next();
    if (!f) break;
    const written = w.slice(f.startsAt, f.endsAt);
    if (!INTERNATIONAL.test(written) && !writtenNationally(written, f.number.formatNational(), foreign)) continue;
    hits.push({ start: f.startsAt, end: f.endsAt });
  }
  return hits;
}

function phonesIn(w: string, regions: PhoneRegions): Hit[] {
  const digits = digitCount(w);
  const home = find(w, regions.home, false, digits);
  if (home.length > 0) return home;
  // A foreign national number counts when written grouped; an international one written with an
  // exit code (00, 011) the home region doesn't use is parsed by a region that does.
  if (formatted(w) || INTERNATIONAL.test(w)) {
    for (const r of regions.others) {
      const hits = find(w, r, true, digits);
      if (hits.length > 0) return hits;
    }
  }
  // The 00 exit code is the ITU's recommendation and most of the world's; read it as "+" even
  // when no configured region dials it (" +" keeps every offset in place).
  const idd = /^\(?00/.exec(w);
  if (idd) {
    const at = idd[0].length - 2;
    const hits = find(`${w.slice(0, at)} +${w.slice(at + 2)}`, regions.home, false, digits);
    if (hits.length > 0) return hits.map((h) => (h.start === at + 1 ? { start: at, end: h.end } : h));
  }
  // 555 numbers and other unassigned North American ranges: the shape alone says phone number.
  const nanp = NANP.exec(w);
  if (nanp && (nanp[1] === undefined || nanp[1] === nanp[2]) && [regions.home, ...regions.others].some((r) => r === "US" || r === "CA")) {
    if (parsePhoneNumberFromString(w, { defaultCountry: "US", extract: false })?.isPossible()) return [{ start: 0, end: w.length }];
  }
  return [];
}

/**
 * Phone numbers in a normalised text (see normalizeText): candidate runs are found here and
 * validated by libphonenumber (Google's metadata, `libphonenumber-js/max`) — valid for their
 * country, or for one of `regions` when written without a country code.
 */
export function scanPhone(text: string, taken: Taken, found: Span[], regions: PhoneRegions): void {
  WINDOW.lastIndex = 0;
  for (let m = WINDOW.exec(text); m; m = WINDOW.exec(text)) {
    const start = m.index;
    const w = m[0];
    const end = start + w.length;
    if (badRight(text, end) || notAPhone(w, text, start) || taken.overlaps(start, end)) continue;
    for (const h of phonesIn(w, regions)) {
      let s = start + h.start;
      let e = start + h.end;
      const slice = text.slice(s, e);
      // "(+33 6 12 34 56 78)": the matcher keeps the opening parenthesis only.
      if (slice.startsWith("(") && !slice.includes(")")) s++;
      if (slice.endsWith(")") && !slice.includes("(")) e--;
      if (!taken.overlaps(s, e)) addSpan(taken, found, { kind: "phone", start: s, end: e });
    }
  }
}
