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

function instructionsOf(re: RE2JS): number {
  // re2js exposes the compiled program (typed `any` in its declarations).
  const prog = (re.re2() as { prog?: { inst?: unknown[] } }).prog;
  return Array.isArray(prog?.inst) ? prog.inst.length : MAX_REGEX_INSTRUCTIONS;
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
  const instructions = instructionsOf(re);
  if (instructions > MAX_REGEX_INSTRUCTIONS) {
    throw new RegexError(`pattern too large (${instructions} RE2 instructions; at most ${MAX_REGEX_INSTRUCTIONS})`, null);
  }
  return { test: (text) => re.test(text), instructions };
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
