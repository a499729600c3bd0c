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

/**
 * Why a text can't be stored, or null when it can: PostgreSQL's text and jsonb refuse the NUL
 * character (U+0000) and unpaired UTF-16 surrogates (U+D800–U+DFFF), which JavaScript
 * strings may hold. Pure; no allocation for the common (clean) case.
 */
export function unsafeTextReason(text: string): string | null {
  if (text.includes("\u0000")) return "contains a NUL character (U+0000)";
  if (LONE_SURROGATE.test(text)) return "contains an unpaired UTF-16 surrogate (U+D800–U+DFFF)";
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
  const stack: { value: unknown; path: string; depth: number }[] = [{ value, path: root, depth: 0 }];
  while (stack.length > 0) {
    const item = stack.pop()!;
    const v = item.value;
    const here = item.path || "(body)";
    if (v === null || typeof v === "boolean") continue;
    if (typeof v === "string") {
      const why = unsafeTextReason(v);
      if (why) return { path: here, message: why };
      continue;
    }
    if (typeof v === "number") {
      if (!Number.isFinite(v)) return { path: here, message: "must be a finite number (JSON has no Infinity or NaN; 1e309 is out of range)" };
      continue;
    }
    if (typeof v !== "object") return { path: here, message: `a ${typeof v} is not JSON` };
    const depth = item.depth + 1;
    if (depth > maxDepth) return { path: here, message: `nested deeper than ${maxDepth} levels` };
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: join(item.path, String(i)), depth });
      continue;
    }
    const keys = Object.keys(v);
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const why = unsafeTextReason(key);
      if (why) return { path: join(item.path, showKey(key)), message: `the key ${why}` };
      stack.push({ value: (v as Record<string, unknown>)[key], path: join(item.path, showKey(key)), depth });
    }
  }
  return null;
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
