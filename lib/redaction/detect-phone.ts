import { getCountries, getCountryCallingCode, getExampleNumber, Metadata, parsePhoneNumberFromString, PhoneNumberMatcher, type CountryCode } from "libphonenumber-js/max";
import examples from "libphonenumber-js/mobile/examples";
import type { ScanBudget } from "./budget.ts";
import { gs1Valid } from "./detect-card.ts";
import { groupsOf, MIN_DIGITS, splitRun, type Group } from "./phone-runs.ts";
import type { PhoneRegions } from "./phone-regions.ts";
import { addSpan, isAsciiAlnum, isDigit, type Span, type Taken } from "./spans.ts";

// A run that could hold phone numbers: an optional "(", "+" or "(+", then digits with single
// spaces, dots, dashes, slashes (German "030/1234567") and parentheses between them; a run may
// hold several numbers (see phone-runs.ts). Not inside a word or an id: the lookbehind wants no
// letter, digit or "+" right before it, nor a digit joined by - . / _ (the tails of
// "ORD-2026-000123", "123-4567890-1234567", UUIDs). A label glued to the number by one of those
// ("Tel.0612345678", "tel/…", "ID_…", "Mob.+33 6…") doesn't hide it; nor does a number
// before it when this one opens with "+" or "(" ("0612345678/+44 20…"). The normalised text
// has one kind of space and one kind of dash.
const WINDOW = /(?<![A-Za-z0-9+])(?:(?<![0-9][-./_])(?:\(\+?|\+)?|\(\+?|\+)\d(?:\)?[ ./-]?\(?\d)*\)?/g;

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

/** A run that is a decimal, a date, an IPv4 address or an amount as a whole holds no phone number. */
function notARun(w: string, text: string, start: number): boolean {
  if (digitCount(w) < MIN_DIGITS || notAPiece(w)) return true;
  return CURRENCY_BEFORE.test(text.slice(Math.max(0, start - 2), start)) || CURRENCY_AFTER.test(text.slice(start + w.length, start + w.length + 2));
}

function notAPiece(w: string): boolean {
  if (DECIMAL.test(w) || DATE.test(w) || IPV4.test(w) || THOUSANDS.test(w)) return true;
  // An EAN-13 or GTIN-14 ("0012345678905" would otherwise read as 00 1 234-567-8905).
  return (w.length === 13 || w.length === 14) && /^\d+$/.test(w) && gs1Valid(w);
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
  const out: number[] = [];
  let n = 0;
  let inGroup = false;
  for (let i = s.length - 1; i >= 0; i--) {
    if (isDigit(s.charCodeAt(i))) {
      n++;
      inGroup = true;
    } else if (inGroup) {
      out.push(n);
      inGroup = false;
    }
  }
  // The boundary before the first group is no boundary.
  if (!inGroup && out.length > 0) out.pop();
  return out;
}

const boundariesByRegion = new Map<CountryCode, ReadonlySet<number> | null>();
type FormatLike = { pattern(): string };

/**
 * Every digit-group boundary (counted from the end) that any national format of `region` can
 * produce, with every length its national numbers (with a trunk prefix) can have: a superset of
 * what groupedAsItsCountry can accept there, known before any number is parsed. Read from the
 * formats in libphonenumber's metadata ("(\d{3})(\d{3})(\d{4})" → 4, 7); null when the
 * metadata doesn't expose them (then nothing is skipped).
 */
function formatBoundaries(region: CountryCode): ReadonlySet<number> | null {
  let set = boundariesByRegion.get(region);
  if (set !== undefined) return set;
  const m = new Metadata();
  m.selectNumberingPlan(region);
  const plan = m.numberingPlan as unknown as { formats?: () => FormatLike[] } | undefined;
  const formats = typeof plan?.formats === "function" ? plan.formats() : null;
  // Only patterns made of plain digit groups can be read this way (all of them, today).
  if (!formats || !formats.every((f) => /^(?:\(\\d(?:\{\d+(?:,\d+)?\})?\))+$/.test(f.pattern()))) set = null;
  else {
    const out = new Set<number>(writtenLengths(region));
    for (const f of formats) {
      const groups = [...f.pattern().matchAll(/\\d(?:\{(\d+)(?:,(\d+))?\})?/g)].map((g) => [Number(g[1] ?? 1), Number(g[2] ?? g[1] ?? 1)] as const);
      let lo = 0;
      let hi = 0;
      for (let k = groups.length - 1; k > 0; k--) {
        const [a, b] = groups[k] as readonly [number, number];
        lo += a;
        hi += b;
        for (let n = lo; n <= hi; n++) out.add(n);
      }
    }
    set = out;
  }
  boundariesByRegion.set(region, set);
  return set;
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


let nationalLengthsByCallingCode: Map<string, ReadonlySet<number>> | undefined;

/** For each country calling code, the lengths its national numbers can have (metadata). */
function nationalLengths(): Map<string, ReadonlySet<number>> {
  if (!nationalLengthsByCallingCode) {
    const byCode = new Map<string, Set<number>>();
    const m = new Metadata();
    for (const country of getCountries()) {
      m.selectNumberingPlan(country);
      const code = getCountryCallingCode(country);
      const set = byCode.get(code) ?? new Set<number>();
      for (const n of m.numberingPlan?.possibleLengths() ?? []) set.add(n);
      byCode.set(code, set);
    }
    nationalLengthsByCallingCode = byCode;
  }
  return nationalLengthsByCallingCode;
}

// Calling codes of no country (freephone, satellite, …): their lengths are left to the library.
const NON_GEOGRAPHIC = new Set(["800", "808", "870", "878", "881", "882", "883", "888", "979"]);

/**
 * Whether a run written with "+", "00" or "011" can be an international number: a calling code
 * followed by a national number of a length that country uses (one more for a "(0)" trunk
 * prefix). Decides before the library is asked, so "00 00 00 00 …" costs nothing.
 */
function internationalPlausible(w: string): boolean {
  const idd = /^ ?\(?(\+|00|011)/.exec(w)?.[1];
  if (!idd) return false;
  const digits = w.replace(/\D/g, "").slice(idd === "+" ? 0 : idd.length);
  const table = nationalLengths();
  for (let n = 1; n <= 3 && n < digits.length; n++) {
    const code = digits.slice(0, n);
    const rest = digits.length - n;
    const lengths = table.get(code);
    if (lengths && (lengths.has(rest) || lengths.has(rest - 1))) return true;
    if (idd === "+" && NON_GEOGRAPHIC.has(code)) return true;
  }
  return false;
}

/** What the checks before the library read of a piece, each worked out once per piece. */
type Shape = { w: string; digits: number; intl: boolean; bounds?: number[] };

function boundaries(shape: Shape): number[] {
  return (shape.bounds ??= boundariesFromEnd(shape.w));
}

/** Whether the digits of `w`, whatever separates them, begin with `prefix`. */
function startsWithDigits(w: string, prefix: string): boolean {
  let k = 0;
  for (let i = 0; i < w.length && k < prefix.length; i++) {
    const c = w.charCodeAt(i);
    if (!isDigit(c)) continue;
    if (c !== prefix.charCodeAt(k++)) return false;
  }
  return k === prefix.length;
}

const exitCodes = new Map<CountryCode, string>();

/**
 * The international call prefix (exit code) of a region when it is a plain digit string
 * ("00", "011", "810"), else "" (regions with several, written as a pattern: no shortcut).
 * Dialling plans keep national numbers from starting with it, so a run that does is read as
 * international or not at all.
 */
function exitCode(region: CountryCode): string {
  let code = exitCodes.get(region);
  if (code === undefined) {
    const m = new Metadata();
    m.selectNumberingPlan(region);
    const idd = m.numberingPlan?.IDDPrefix() ?? "";
    code = /^\d+$/.test(idd) ? idd : "";
    exitCodes.set(region, code);
  }
  return code;
}

const lengthsByRegions = new WeakMap<PhoneRegions, ReadonlySet<number>>();

/** Digit counts a number written without a country code can have in any of the regions. */
function anyWrittenLength(regions: PhoneRegions): ReadonlySet<number> {
  let set = lengthsByRegions.get(regions);
  if (!set) {
    set = new Set([regions.home, ...regions.others].flatMap((r) => [...writtenLengths(r)]));
    lengthsByRegions.set(regions, set);
  }
  return set;
}

/**
 * libphonenumber's matcher (the engine of its findPhoneNumbersInText; leniency VALID: valid for
 * its country, or POSSIBLE after a "+") on one piece of a run, offsets relative to the piece;
 * the first number found that `covers` accepts, or null. Numbers without a country code must
 * also pass writtenNationally ("36 38 40 42 44" is a list of sizes, not the valid US number
 * (363) 840-4244). A piece that is only part of its run (`part`) is first parsed as a whole
 * (a fraction of the matcher's cost on what isn't a number); the matcher confirms what passes.
 * Each parse and matcher step is one call charged to `budget`.
 */
function find(w: string, region: CountryCode, foreign: boolean, shape: Shape, part: boolean, budget: ScanBudget, covers: (h: Hit) => boolean): Hit | null {
  if (!shape.intl) {
    if (!writtenLengths(region).has(shape.digits)) return null;
    const prefix = writtenPrefix(region);
    if (prefix !== "" && !w.startsWith(prefix, w.charCodeAt(0) === 40 /* ( */ ? 1 : 0)) return null;
    // A number dialled nationally never starts with the region's exit code ("00 00 00 00 00").
    const exit = exitCode(region);
    if (exit !== "" && startsWithDigits(w, exit)) return null;
    // Grouped in a way no format of that country groups (and, at home, with lone digits):
    // writtenNationally would refuse whatever the library found.
    if (!INTERNATIONAL.test(w) && (foreign || !noLoneDigits(w))) {
      const allowed = formatBoundaries(region);
      if (allowed && !boundaries(shape).every((b) => allowed.has(b))) return null;
    }
  }
  const plus = PLUS.test(w);
  if (part) {
    budget.spend();
    const parsed = parsePhoneNumberFromString(w.replace(/^\(\+([^)]*)\)/, "+$1"), { defaultCountry: region, extract: false });
    if (!parsed || !(plus ? parsed.isPossible() : parsed.isValid())) return null;
  }
  // Written with "+", a number only has to be possible (a country code, a length that country
  // uses): "+" is evidence enough, and ranges kept for fiction or not yet in the metadata
  // (+44 7700 900123) are someone's number all the same. leniency is a documented option of
  // the matcher that the type definitions leave out.
  const options = { defaultCountry: region, v2: true as const, leniency: plus ? "POSSIBLE" : "VALID" };
  const matcher = new PhoneNumberMatcher(w, options);
  for (;;) {
    budget.spend();
    if (!matcher.hasNext()) return null;
    const f = matcher.next();
    if (!f) return null;
    const written = w.slice(f.startsAt, f.endsAt);
    if (!INTERNATIONAL.test(written) && !writtenNationally(written, f.number.formatNational(), foreign)) continue;
    const hit = { start: f.startsAt, end: f.endsAt };
    if (covers(hit)) return hit;
  }
}

/**
 * The phone number written as the piece `w` (offsets relative to it) that `covers` accepts:
 * valid in the home region however grouped; in another configured region when grouped as it
 * groups; international with a "+" or an exit code; or a North American shape. `part`: the
 * piece is not its whole run (see find).
 */
function phoneIn(w: string, digits: number, regions: PhoneRegions, part: boolean, budget: ScanBudget, covers: (h: Hit) => boolean): Hit | null {
  // "0112345678" starts like the 011 exit code: when it can't be international, it is national.
  const intl = INTERNATIONAL.test(w) && internationalPlausible(w);
  if (!intl && !anyWrittenLength(regions).has(digits)) return null;
  const shape: Shape = { w, digits, intl };
  const home = find(w, regions.home, false, shape, part, budget, covers);
  if (home) return home;
  // A foreign national number counts when written grouped; an international one written with an
  // exit code (00, 011) the home region doesn't use is parsed by a region that does.
  if (formatted(w) || intl) {
    for (const r of regions.others) {
      const hit = find(w, r, true, shape, part, budget, covers);
      if (hit) return hit;
    }
  }
  // The 00 exit code is the ITU's recommendation and most of the world's; read it as "+" even
  // when no configured region dials it (" +" keeps every offset in place).
  const idd = intl ? /^\(?00/.exec(w) : null;
  if (idd) {
    const at = idd[0].length - 2;
    const back = (h: Hit) => (h.start === at + 1 ? { start: at, end: h.end } : h);
    const written = `${w.slice(0, at)} +${w.slice(at + 2)}`;
    const hit = find(written, regions.home, false, { w: written, digits, intl: true }, part, budget, (h) => covers(back(h)));
    if (hit) return back(hit);
  }
  // 555 numbers and other unassigned North American ranges: the shape alone says phone number.
  const nanp = NANP.exec(w);
  if (nanp && (nanp[1] === undefined || nanp[1] === nanp[2]) && [regions.home, ...regions.others].some((r) => r === "US" || r === "CA")) {
    const whole = { start: 0, end: w.length };
    budget.spend();
    if (covers(whole) && parsePhoneNumberFromString(w, { defaultCountry: "US", extract: false })?.isPossible()) return whole;
  }
  return null;
}

/** The text with every taken span (markers, e-mails, IBANs, cards) blanked out, offsets kept. */
function withoutTaken(text: string, taken: Taken): string {
  const ranges = taken.ranges();
  if (ranges.length === 0) return text;
  const chars = text.split("");
  for (const r of ranges) for (let k = r.start; k < r.end; k++) chars[k] = "#";
  return chars.join("");
}

/**
 * Phone numbers in a normalised text (see normalizeText): candidate runs are found here, split
 * into the numbers they hold (phone-runs.ts) and validated by libphonenumber (Google's metadata,
 * `libphonenumber-js/max`) — valid for their country, or for one of `regions` when written
 * without a country code. What other detectors took (a card, an IBAN) is blanked out first, so
 * a number next to one is still read. Every library call and every candidate piece is charged
 * to `budget` (see budget.ts).
 * @throws WardenError `pii_scan_too_costly` when the budget runs out (see budget.ts)
 */
export function scanPhone(text: string, taken: Taken, found: Span[], regions: PhoneRegions, budget: ScanBudget): void {
  const t = withoutTaken(text, taken);
  WINDOW.lastIndex = 0;
  for (let m = WINDOW.exec(t); m; m = WINDOW.exec(t)) {
    const start = m.index;
    const run = m[0];
    if (notARun(run, t, start)) continue;
    const groups = groupsOf(run);
    // "2026-11-25T10…", "12345678-x": the last group belongs to what follows it.
    const last = groups.length - 1 - (badRight(t, start + run.length) ? 1 : 0);
    const lengths = anyWrittenLength(regions);
    const tryPiece = (i: number, j: number, s: number, e: number, digits: number) => {
      budget.piece();
      // Not a length any region writes, nor international ("+", "(+", "00", "011"): not asked.
      const g = (groups[i] as Group).start;
      if (!lengths.has(digits) && run[s] !== "+" && run[s + 1] !== "+" && !run.startsWith("00", g) && !run.startsWith("011", g)) return null;
      const piece = run.slice(s, e);
      if ((i !== 0 || j !== groups.length - 1) && notAPiece(piece)) return null;
      const first = (groups[i] as Group).start - s;
      const end = (groups[j] as Group).end - s;
      const hit = phoneIn(piece, digits, regions, i !== 0 || j !== groups.length - 1, budget, (h) => h.start <= first && h.end >= end);
      if (!hit) return null;
      let hs = s + hit.start;
      let he = s + hit.end;
      // "(+33 6 12 34 56 78)": the matcher keeps the opening parenthesis only.
      const slice = run.slice(hs, he);
      if (slice.startsWith("(") && !slice.includes(")")) hs++;
      if (slice.endsWith(")") && !slice.includes("(")) he--;
      return { start: hs, end: he };
    };
    for (const p of splitRun(run, groups, last, tryPiece)) addSpan(taken, found, { kind: "phone", start: start + p.start, end: start + p.end });
  }
}
