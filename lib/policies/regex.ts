import { RE2JS } from "re2js";

/**
 * CEL's `matches()` with RE2 semantics (the CEL spec names RE2 syntax), on re2js, a pure
 * JavaScript port of RE2/J: matching takes time linear in the text (no backtracking), so a
 * pattern such as `(a+)+$` cannot stall the process. Patterns RE2 refuses — backreferences,
 * lookaround, `[` — are errors, never silently run by another engine.
 */

/** Largest compiled program (RE2 instructions) a pattern may have: bounds the per-character cost. */
export const MAX_REGEX_INSTRUCTIONS = 1024;
/** Longest pattern built at run time (from the data rather than written in the condition). */
export const MAX_DYNAMIC_PATTERN_CHARS = 512;

export type Regex = { test(text: string): boolean; instructions: number };

export class RegexError extends Error {
  /** Offset of the offending part inside the pattern, when RE2 names it. */
  constructor(
    message: string,
    readonly offset: number | null,
  ) {
    super(message);
    this.name = "RegexError";
  }
}

/**
 * Compiles an RE2 pattern for a partial match (CEL: `'abc'.matches('b')` is true).
 * Throws RegexError: not RE2 syntax (message from RE2, offset of the bad part), or a program
 * larger than MAX_REGEX_INSTRUCTIONS.
 */
export function compileRegex(pattern: string): Regex {
  let re: RE2JS;
  try {
    re = RE2JS.compile(pattern);
  } catch (err) {
    const e = err as { message?: string; input?: string | null };
    const fragment = typeof e.input === "string" && e.input.length > 0 ? e.input : null;
    const at = fragment === null ? -1 : pattern.indexOf(fragment);
    const message = (e.message ?? String(err)).replace(/^error parsing regexp: /, "");
    throw new RegexError(message, at >= 0 ? at : null);
  }
  // The compiled program's instruction count (re2js's public RE2JS.programSize(), as RE2's
  // ProgramSize): what bounds RE2's work per character of text, not the pattern's length —
  // `(?:a?){300}a{300}\d` is 19 characters and 903 instructions.
  const instructions = re.programSize();
  if (instructions > MAX_REGEX_INSTRUCTIONS) {
    throw new RegexError(`pattern too large (${instructions} RE2 instructions; at most ${MAX_REGEX_INSTRUCTIONS})`, null);
  }
  return { test: (text) => re.test(text), instructions };
}

// Program sizes of the patterns written in conditions, for the cost estimate, which asks for
// each one many times while it searches a condition's data limit. Bounded; cleared whole when full.
const sizeCache = new Map<string, number>();
const SIZE_CACHE_SIZE = 1000;

/**
 * The compiled RE2 program size (instructions) of a pattern written in a condition: what the
 * cost estimate charges per character of text. A pattern RE2 refuses or whose program is over
 * MAX_REGEX_INSTRUCTIONS counts as MAX_REGEX_INSTRUCTIONS (compiling the condition refuses it
 * anyway).
 */
export function programSize(pattern: string): number {
  let size = sizeCache.get(pattern);
  if (size === undefined) {
    try {
      size = compileRegex(pattern).instructions;
    } catch (err) {
      if (!(err instanceof RegexError)) throw err;
      size = MAX_REGEX_INSTRUCTIONS;
    }
    if (sizeCache.size >= SIZE_CACHE_SIZE) sizeCache.clear();
    sizeCache.set(pattern, size);
  }
  return size;
}

// Patterns that come from the data are compiled on first use and kept (errors too): the same
// few recur across decisions. Bounded; cleared whole when full.
const dynamicCache = new Map<string, Regex | RegexError>();
const DYNAMIC_CACHE_SIZE = 500;

/** A pattern met at run time: compiled with RE2 or the RegexError thrown (the caller fails closed). */
export function dynamicRegex(pattern: string): Regex {
  if (pattern.length > MAX_DYNAMIC_PATTERN_CHARS) {
    throw new RegexError(`pattern from the data is longer than ${MAX_DYNAMIC_PATTERN_CHARS} characters`, null);
  }
  let hit = dynamicCache.get(pattern);
  if (!hit) {
    try {
      hit = compileRegex(pattern);
    } catch (err) {
      hit = err instanceof RegexError ? err : new RegexError(String(err), null);
    }
    if (dynamicCache.size >= DYNAMIC_CACHE_SIZE) dynamicCache.clear();
    dynamicCache.set(pattern, hit);
  }
  if (hit instanceof RegexError) throw hit;
  return hit;
}
