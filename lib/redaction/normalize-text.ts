/**
 * A text as the detectors read it, with the way back to the original: `from[i]` and `to[i]`
 * are the offsets (UTF-16 code units) of the original characters that produced `text[i]`, so a
 * span [s, e) of `text` is the span [from[s], to[e - 1]) of the original. `from`/`to` are
 * undefined when `text` is the original itself (the common, all-ASCII case).
 */
export type NormalizedText = { text: string; from?: Int32Array; to?: Int32Array };

// Spaces that typography puts between digit groups (NBSP in French, narrow NBSP, thin, figure,
// ideographic, ...). NFKC already maps most to U+0020; listed so the intent does not depend on it.
const SPACES = new Set([0x00a0, 0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a, 0x202f, 0x205f, 0x3000]);
// Hyphens and dashes people (and word processors) put between digit groups; NFKC keeps most of them.
const DASHES = new Set([0x2010, 0x2011, 0x2012, 0x2013, 0x2014, 0x2015, 0x2212, 0xfe58, 0xfe63, 0xff0d]);
// Invisible characters that split a value without being seen: dropped.
const INVISIBLE = new Set([0x00ad, 0x200b, 0x200c, 0x200d, 0x2060, 0xfeff]);
// Typographic apostrophes (o’reilly): the ASCII one is what RFC 5322 local parts use.
const APOSTROPHES = new Set([0x2019, 0x02bc]);

/** Strings the fast path can hand back untouched: printable ASCII, no double space. */
const NEEDS_WORK = /[^\t\n\r\x20-\x7e]| {2}/;
/** What NFKC leaves alone but this normalisation changes (see the sets above, and digits). */
const SPECIAL = /[\u00a0\u00ad\u02bc\u1680\u2000-\u200d\u2010-\u2015\u2019\u202f\u205f\u2060\u2212\u3000\ufe58\ufe63\uff0d\ufeff]| {2}|(?![0-9])\p{Nd}/u;
/** Single code points seen before and what they became (Latin-1 letters, NBSP…): a hot loop. */
const seen = new Map<number, string>();
const MARKS = /\p{M}+/uy;
const DECIMAL_DIGIT = /^\p{Nd}$/u;

/**
 * The value of a decimal digit of any script (Arabic-Indic ٣, Devanagari ३…). Unicode keeps each
 * script's digits as one run of ten code points from 0 to 9, so the value is the distance to the
 * start of the runs (runs that touch, like the mathematical digits, come in whole tens too).
 */
function digitValue(cp: number): number {
  let start = cp;
  while (cp - start < 60 && DECIMAL_DIGIT.test(String.fromCodePoint(start - 1))) start--;
  return (cp - start) % 10;
}

function special(cp: number): string | undefined {
  if (cp <= 0x7f) return undefined;
  if (SPACES.has(cp)) return " ";
  if (DASHES.has(cp)) return "-";
  if (INVISIBLE.has(cp)) return "";
  if (APOSTROPHES.has(cp)) return "'";
  return undefined;
}

/** A chunk (a character and the combining marks after it) as the detectors read it. */
function mapped(chunk: string, cp: number): string {
  const head = cp > 0xffff ? 2 : 1;
  const sp = special(cp);
  if (sp !== undefined) return chunk.length === head ? sp : sp + chunk.slice(head).normalize("NFKC");
  const nfkc = chunk.normalize("NFKC");
  const first = nfkc.codePointAt(0) ?? 0;
  return first > 0x7f && DECIMAL_DIGIT.test(String.fromCodePoint(first)) ? String(digitValue(first)) + nfkc.slice(first > 0xffff ? 2 : 1) : nfkc;
}

/**
 * Unicode NFKC (full-width digits and `＠` become ASCII, ligatures split, accents composed),
 * decimal digits of every script ASCII digits, every space-like character a single U+0020
 * (runs collapse to one), every dash or minus `-`,
 * `’` `'`, and soft hyphens and zero-width characters removed — keeping, for each character of
 * the result, which original characters it came from.
 *
 * NFKC is applied per grapheme-like chunk (a character and the combining marks after it), so
 * the offsets stay exact; this equals whole-string NFKC except for rare cross-chunk
 * compositions (conjoining Hangul jamo), which no detector depends on.
 * Standard: Unicode UAX #15 (normalization forms).
 */
export function normalizeText(original: string): NormalizedText {
  if (!NEEDS_WORK.test(original)) return { text: original };
  // Accented text that is already in NFKC form with ordinary spaces ("Élodie", "téléphone").
  if (!SPECIAL.test(original) && original.normalize("NFKC") === original) return { text: original };
  const len = original.length;
  let from = new Int32Array(len + 16);
  let to = new Int32Array(len + 16);
  let n = 0;
  const parts: string[] = [];
  let run = 0; // start of the pending run of ASCII characters copied as they are
  let space = false;
  const emit = (s: string, start: number, end: number) => {
    // Room for this chunk and for every original character still to come.
    if (n + s.length + len - start > from.length) {
      const size = n + s.length + len - start + 16;
      from = growTo(from, size);
      to = growTo(to, size);
    }
    for (let k = 0; k < s.length; k++) {
      if (s.charCodeAt(k) === 32) {
        if (space) {
          to[n - 1] = end; // a run of spaces is one space, spanning all of them
          continue;
        }
        space = true;
      } else space = false;
      parts.push(s[k] as string);
      from[n] = start;
      to[n++] = end;
    }
  };
  let i = 0;
  while (i < len) {
    const c = original.charCodeAt(i);
    if (c < 0x80) {
      if (c === 32 && space) {
        parts.push(original.slice(run, i));
        run = i + 1;
        to[n - 1] = i + 1;
      } else {
        space = c === 32;
        from[n] = i;
        to[n++] = i + 1;
      }
      i++;
      continue;
    }
    // A combining mark belongs with the character before it, which may be an ASCII letter.
    let chunkStart = i;
    const cp = original.codePointAt(i) as number;
    let j = i + (cp > 0xffff ? 2 : 1);
    MARKS.lastIndex = i;
    if (i > run && c >= 0x300 && MARKS.test(original)) {
      chunkStart = i - 1;
      j = MARKS.lastIndex;
      n--;
      space = original.charCodeAt(i - 2) === 32;
    } else if (j < len && original.charCodeAt(j) >= 0x300) {
      MARKS.lastIndex = j;
      if (MARKS.test(original)) j = MARKS.lastIndex;
    }
    parts.push(original.slice(run, chunkStart));
    if (j === i + 1 && chunkStart === i) {
      let m = seen.get(c);
      if (m === undefined) {
        m = mapped(original[i] as string, c);
        if (seen.size < 4096) seen.set(c, m);
      }
      emit(m, i, j);
    } else emit(mapped(original.slice(chunkStart, j), original.codePointAt(chunkStart) as number), chunkStart, j);
    run = i = j;
  }
  parts.push(original.slice(run));
  return { text: parts.join(""), from: from.subarray(0, n), to: to.subarray(0, n) };
}

function growTo(a: Int32Array<ArrayBuffer>, size: number): Int32Array<ArrayBuffer> {
  const b = new Int32Array(size);
  b.set(a);
  return b;
}

const SPACE_RUN = /[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000 ]{2,}|[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000]/g;
const DASH = /[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]/g;
const GONE = /[\u00ad\u200b-\u200d\u2060\ufeff]/g;
const APOSTROPHE = /[\u2019\u02bc]/g;
const OTHER_DIGIT = /(?![0-9])\p{Nd}/gu;

/**
 * The text of normalizeText without the offsets: the same mapping, for values whose position
 * doesn't matter (a value being hashed into its marker). Applied to the whole string, so NFKC
 * composes across chunks too; both the stored marker and a search go through this function.
 */
export function normalizeString(s: string): string {
  if (!NEEDS_WORK.test(s)) return s;
  return s
    .replace(GONE, "")
    .replace(APOSTROPHE, "'")
    .normalize("NFKC")
    .replace(DASH, "-")
    .replace(SPACE_RUN, " ")
    .replace(OTHER_DIGIT, (d) => String(digitValue(d.codePointAt(0) as number)));
}
