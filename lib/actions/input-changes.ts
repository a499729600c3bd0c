import { createHash } from "node:crypto";
import canonicalize from "canonicalize";

/** One difference between two inputs: `path` like `input.price` (lists are compared whole). */
export type InputChange = { path: string; from?: unknown; to?: unknown };

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const same = (a: unknown, b: unknown) => canonicalize(a) === canonicalize(b);

/**
 * Leaf-level differences between two JSON documents, sorted by path. Objects are walked; any
 * other value (lists included) is a leaf compared by RFC 8785 canonical JSON. A key present on
 * one side only has no `from` (added) or no `to` (removed).
 */
export function inputChanges(before: unknown, after: unknown, root = "input"): InputChange[] {
  const out: InputChange[] = [];
  const walk = (b: unknown, a: unknown, path: string) => {
    if (isPlainObject(b) && isPlainObject(a)) {
      for (const k of [...new Set([...Object.keys(b), ...Object.keys(a)])].sort()) walk(b[k], a[k], `${path}.${k}`);
      return;
    }
    if (b === undefined && a === undefined) return;
    if (b !== undefined && a !== undefined && same(b, a)) return;
    const c: InputChange = { path };
    if (b !== undefined) c.from = b;
    if (a !== undefined) c.to = a;
    out.push(c);
  };
  walk(before, after, root);
  return out;
}

/** A copy of `doc` (rooted at `root`, e.g. "input") with the value at `path` replaced. */
export function withValueAt(doc: Record<string, unknown>, path: string, value: unknown, root = "input"): Record<string, unknown> {
  const keys = path.split(".");
  if (keys.shift() !== root || keys.length === 0) throw new Error(`path ${path} is not under ${root}`);
  const copy: Record<string, unknown> = { ...doc };
  let node = copy;
  keys.forEach((k, i) => {
    if (i === keys.length - 1) node[k] = value;
    else {
      const next = isPlainObject(node[k]) ? { ...(node[k] as Record<string, unknown>) } : {};
      node[k] = next;
      node = next;
    }
  });
  return copy;
}

/** The value at `path` ("input.a.b") of a document rooted at `root`, or undefined. */
export function valueAt(doc: unknown, path: string, root = "input"): unknown {
  const keys = path.split(".");
  if (keys.shift() !== root) return undefined;
  let node: unknown = doc;
  for (const k of keys) {
    if (!isPlainObject(node)) return undefined;
    node = node[k];
  }
  return node;
}

const SUMMARY_MAX_CHARS = 4096;

/**
 * What a notification shows of an input: the whole (stored, redacted) input up to 4 KiB of
 * JSON, else its top-level numbers, booleans and short strings (the amounts and identifiers).
 */
export function inputSummary(input: unknown): Record<string, unknown> {
  if (!isPlainObject(input)) return {};
  if (JSON.stringify(input).length <= SUMMARY_MAX_CHARS) return input;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(input)) {
    if (typeof v === "number" || typeof v === "boolean" || (typeof v === "string" && v.length <= 200)) out[k] = v;
    if (Object.keys(out).length >= 30) break;
  }
  return out;
}

/**
 * The one input hash: SHA-256 (lowercase hex) over the RFC 8785 canonical JSON of an input
 * (`{}` when absent). A decision receipt's `inputHash` is it over the raw input the agent sent;
 * an approval with changes is bound to it over the approved input as stored (redacted), and a
 * result report's input is redacted the same way and hashed to compare. Throws Error on a value
 * JSON can't hold.
 */
export function inputHash(input: unknown): string {
  const text = canonicalize(input ?? {});
  if (text === undefined) throw new Error("input cannot be canonicalised");
  return createHash("sha256").update(text, "utf8").digest("hex");
}
