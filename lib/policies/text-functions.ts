/**
 * Text helpers for policy conditions, so deny-lists can't be slipped past with look-alike
 * spellings:
 *
 * - `normalize(s)` — Unicode NFKC (UAX #15: compatibility forms such as full-width `Ｚａｒａ`
 *   or the ligature `ﬁ` become `Zara`, `fi`; decomposed `é` becomes one character), then full
 *   case folding (`ß` → `ss`, `Σ`/`ς` → `σ`), without default-ignorable code points (zero-width
 *   spaces and joiners, soft hyphens): the NFKC_Casefold mapping of UAX #44, done with
 *   String.prototype.normalize and the case mappings of the JavaScript engine (ICU).
 * - `containsAny(text, list)` / `containsAny(text, map)` — true when the text contains any of
 *   the phrases (a map: its keys, e.g. `data.competitors`) as whole words, both sides
 *   normalised: `containsAny("Try the ＺＡＲＡ blazer", ["zara"])` is true,
 *   `containsAny("a bazaar", ["zara"])` is false. Words are runs of letters, digits and marks;
 *   anything else separates them, so `"H&M"` matches `"h & m"` and `"H-M"` too. A phrase
 *   can't match inside a word (languages written without spaces need each phrase as its own
 *   word). Linear in the text: phrases are looked up in a set, not searched one by one.
 */

const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;
const WORD = /[\p{L}\p{N}\p{M}]+/gu;

/** NFKC + full case fold, without default-ignorable code points. */
export function normalizeText(s: string): string {
  return s.normalize("NFKC").replace(IGNORABLE, "").toUpperCase().toLowerCase().normalize("NFKC");
}

function words(s: string): string[] {
  return normalizeText(s).match(WORD) ?? [];
}

type Matcher = { phrases: Set<string>; maxWords: number };

// Phrase lists from a knowledge set are the same object for a whole version: match them once.
const matchers = new WeakMap<object, Matcher>();

function matcherOf(list: unknown[] | Map<unknown, unknown>): Matcher {
  const hit = matchers.get(list);
  if (hit) return hit;
  const phrases = new Set<string>();
  let maxWords = 0;
  for (const p of list instanceof Map ? list.keys() : list) {
    if (typeof p !== "string") throw new Error(`containsAny takes a list of strings, and this one holds ${p === null ? "null" : typeof p}`);
    const w = words(p);
    if (w.length === 0) continue;
    phrases.add(w.join(" "));
    maxWords = Math.max(maxWords, w.length);
  }
  const m = { phrases, maxWords };
  matchers.set(list, m);
  return m;
}

/** Whether the text contains any of the phrases as whole words, both normalised (see above). */
export function containsAnyPhrase(text: string, list: unknown[] | Map<unknown, unknown>): boolean {
  const m = matcherOf(list);
  if (m.maxWords === 0) return false;
  const w = words(text);
  for (let i = 0; i < w.length; i++) {
    let phrase = "";
    for (let n = 0; n < m.maxWords && i + n < w.length; n++) {
      phrase = n === 0 ? w[i]! : `${phrase} ${w[i + n]!}`;
      if (m.phrases.has(phrase)) return true;
    }
  }
  return false;
}
