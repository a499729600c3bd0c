import { WardenError } from "../errors/index.ts";

/**
 * The deepest nesting Warden accepts in a JSON body, counting each object or array as one
 * level (`{"a": [1]}` is 2 deep). Real agent payloads stay far below; the limit keeps every
 * later recursive step (zod, redaction, CEL, JSON.stringify, PostgreSQL's jsonb) away from
 * stack exhaustion.
 */
export const MAX_JSON_DEPTH = 64;

/** One thing wrong at one place: `path` as lib/http's validation details spell it (`input.items.0`). */
export type ValueProblem = { path: string; message: string };

// A lone surrogate is a code point of category Cs under the `u` flag; a proper pair is not.
const LONE_SURROGATE = /\p{Cs}/u;
// String.prototype.isWellFormed (ES2024, V8 11.3+: Node 20) says the same natively and fast.
const isWellFormed: (s: string) => boolean =
  typeof (String.prototype as { isWellFormed?: unknown }).isWellFormed === "function"
    ? (s) => (s as unknown as { isWellFormed(): boolean }).isWellFormed()
    : (s) => !LONE_SURROGATE.test(s);

/**
 * Why a text can't be stored, or null when it can: PostgreSQL's text and jsonb refuse the NUL
 * character (U+0000) and unpaired UTF-16 surrogates (U+D800–U+DFFF), which JavaScript
 * strings may hold. Pure; no allocation for the common (clean) case.
 */
export function unsafeTextReason(text: string): string | null {
  if (text.includes("\u0000")) return "contains a NUL character (U+0000)";
  if (!isWellFormed(text)) return "contains an unpaired UTF-16 surrogate (U+D800–U+DFFF)";
  return null;
}

/** A path segment safe to show: control characters and lone surrogates written as \uXXXX. */
function showKey(key: string): string {
  const shown = key.replace(/[\u0000-\u001f\u007f]|\p{Cs}/gu, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return shown.length > 64 ? `${shown.slice(0, 61)}...` : shown;
}

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}

/**
 * The first problem in a value parsed from JSON (or built from a query string), or null:
 * a text (value or object key) PostgreSQL would refuse (see unsafeTextReason), a number
 * that is not finite (`1e309` parses to Infinity), nesting deeper than `maxDepth`, or a value
 * JSON can't carry (undefined, a function…, which only code can produce).
 *
 * Iterative (an explicit stack), so a 100,000-level value costs no call stack. `root` names
 * the value in the path ("" for a whole body: paths then start at its fields, as zod's do).
 */
export function findUnsafeValue(value: unknown, { maxDepth = MAX_JSON_DEPTH, root = "" }: { maxDepth?: number; root?: string } = {}): ValueProblem | null {
  // Paths are built only for the one problem reported: each entry points at its parent.
  type Entry = { value: unknown; parent: Entry | null; key: string; depth: number };
  const pathOf = (e: Entry): string => {
    const keys: string[] = [];
    for (let at: Entry | null = e; at && at.parent; at = at.parent) keys.push(showKey(at.key));
    return keys.reverse().reduce(join, root) || "(body)";
  };
  const top: Entry = { value, parent: null, key: root, depth: 0 };
  const topWhy = leafProblem(value);
  if (topWhy) return { path: pathOf(top), message: topWhy };
  if (value === null || typeof value !== "object") return null;
  const stack: Entry[] = [top];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const v = item.value as object;
    const depth = item.depth + 1;
    if (depth > maxDepth) return { path: pathOf(item), message: `nested deeper than ${maxDepth} levels` };
    // Children that are objects go on the stack; scalars are checked here, without an entry.
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) {
        const c: unknown = v[i];
        if (c !== null && typeof c === "object") stack.push({ value: c, parent: item, key: String(i), depth });
        else {
          const why = leafProblem(c);
          if (why) return { path: pathOf({ value: c, parent: item, key: String(i), depth }), message: why };
        }
      }
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const c = (v as Record<string, unknown>)[key];
      const keyWhy = unsafeTextReason(key);
      if (keyWhy) return { path: pathOf({ value: c, parent: item, key, depth }), message: `the key ${keyWhy}` };
      if (c !== null && typeof c === "object") stack.push({ value: c, parent: item, key, depth });
      else {
        const why = leafProblem(c);
        if (why) return { path: pathOf({ value: c, parent: item, key, depth }), message: why };
      }
    }
  }
  return null;
}

/** What is wrong with a value that is not an object or array, or null. */
function leafProblem(v: unknown): string | null {
  if (typeof v === "string") return unsafeTextReason(v);
  if (typeof v === "number") return Number.isFinite(v) ? null : "must be a finite number (JSON has no Infinity or NaN; 1e309 is out of range)";
  if (v === null || typeof v === "boolean" || typeof v === "object") return null;
  return `a ${typeof v} is not JSON`;
}

/** `400 validation_failed` for a problem, with the path in the message and in `details`. */
export function validationError(problem: ValueProblem): WardenError {
  return new WardenError("validation_failed", `${problem.path}: ${problem.message}`, [problem]);
}

/**
 * Throws `400 validation_failed` naming the path when `value` holds something PostgreSQL (or
 * a later step) can't take safely: see findUnsafeValue.
 */
export function assertSafeValue(value: unknown, opts: { maxDepth?: number; root?: string } = {}): void {
  const problem = findUnsafeValue(value, opts);
  if (problem) throw validationError(problem);
}

/**
 * True when the JSON text nests deeper than `maxDepth` (objects and arrays, outside strings).
 * A linear scan that runs before JSON.parse, so a body of 100,000 `[` is refused without
 * building the structure.
 */
export function jsonTextTooDeep(text: string, maxDepth = MAX_JSON_DEPTH): boolean {
  // Nesting can't exceed the number of opening brackets; counting them is native and quick,
  // so the character scan below only runs for bodies with more than maxDepth of them.
  let openers = 0;
  for (const ch of ["{", "["]) {
    for (let at = text.indexOf(ch); at !== -1 && openers <= maxDepth; at = text.indexOf(ch, at + 1)) openers++;
  }
  if (openers <= maxDepth) return false;
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) {
      if (++depth > maxDepth) return true;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  return false;
}

/**
 * The one JSON body parser of both planes: an empty body is `{}`; over-deep nesting, text
 * that isn't JSON, and values PostgreSQL can't store are refused before anything reads them.
 *
 * @throws WardenError `validation_failed` (400) naming the path (depth, NUL, lone surrogate,
 *   non-finite number, in values and object keys); `invalid_json` (400) for malformed text
 */
export function parseJsonBody(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  if (text.trim() === "") return {};
  if (jsonTextTooDeep(text, maxDepth)) {
    throw new WardenError("validation_failed", `(body): nested deeper than ${maxDepth} levels`, [{ path: "(body)", message: `nested deeper than ${maxDepth} levels` }]);
  }
  let value: unknown;
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw new WardenError("invalid_json", "The body is not valid JSON");
  }
  assertSafeValue(value, { maxDepth });
  return value;
}
