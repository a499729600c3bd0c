import { ScanBudget } from "./budget.ts";
import { detectPii, isCardNumber } from "./detect.ts";
import { assertKey, isMarker, redactionMarker } from "./marker.ts";
import { phoneRegions, type PhoneRegions } from "./phone-regions.ts";
import { compileRules, type CompiledRules, type FieldNode, type RedactionKind, type RedactionRules } from "./rules.ts";

/** Where a value was redacted: "input.customer.email", "context.notes[2]". */
export type Redaction = { kind: RedactionKind; path: string };

type Walk = {
  rules: CompiledRules;
  key: Uint8Array;
  /** Read once per document: process.env is slow to read per string. */
  regions: PhoneRegions | undefined;
  root: string;
  /** Keys from the root to the current value; a path string is built only when something is redacted. */
  stack: (string | number)[];
  redactions: Redaction[];
  /** Detection work allowed (shared by every document of a request; see budget.ts). */
  budget: ScanBudget;
};

const NO_FIELDS: readonly FieldNode[] = [];
const PLAIN_KEY = /^[A-Za-z0-9_$-]+$/;

function pathOf(w: Walk): string {
  let p = w.root;
  for (const key of w.stack) {
    // A path names keys, and a key can itself be PII: the path shows its marker instead.
    const k = typeof key === "string" && key.length >= 6 ? masked(key, w) : key;
    p += typeof k === "number" ? `[${k}]` : PLAIN_KEY.test(k) ? `.${k}` : `[${JSON.stringify(k)}]`;
  }
  return p;
}

/** `s` with each PII span replaced by its marker. */
function masked(s: string, w: Walk, onSpan?: (kind: RedactionKind) => void): string {
  const spans = detectPii(s, w.rules.detectors, w.regions, w.budget);
  if (spans.length === 0) return s;
  let out = "";
  let at = 0;
  for (const span of spans) {
    out += s.slice(at, span.start) + redactionMarker(span.kind, s.slice(span.start, span.end), w.key);
    at = span.end;
    onSpan?.(span.kind);
  }
  return out + s.slice(at);
}

/** Field-rule nodes still alive one level down; `*` matches any key or array index. */
function childNodes(nodes: readonly FieldNode[], key: string | number): readonly FieldNode[] {
  if (nodes.length === 0) return NO_FIELDS;
  const next: FieldNode[] = [];
  for (const n of nodes) {
    const c = n.children.get(String(key));
    if (c) next.push(c);
    if (n.any) next.push(n.any);
  }
  return next;
}

function redactString(s: string, w: Walk): string {
  if (s.length < 6) return s;
  let path: string | undefined;
  return masked(s, w, (kind) => w.redactions.push({ kind, path: (path ??= pathOf(w)) }));
}

function wholeField(value: unknown, nodes: readonly FieldNode[]): boolean {
  return nodes.length > 0 && value !== undefined && nodes.some((n) => n.whole) && !(typeof value === "string" && isMarker(value));
}

function walk(value: unknown, nodes: readonly FieldNode[], w: Walk): unknown {
  if (wholeField(value, nodes)) {
    w.redactions.push({ kind: "field", path: pathOf(w) });
    return redactionMarker("field", value, w.key);
  }
  if (typeof value === "string") return redactString(value, w);
  if (typeof value === "number") {
    if (!w.rules.detectors.card || !isCardNumber(value)) return value;
    w.redactions.push({ kind: "card", path: pathOf(w) });
    return redactionMarker("card", value, w.key);
  }
  if (typeof value !== "object" || value === null) return value;
  return Array.isArray(value) ? walkArray(value, nodes, w) : walkObject(value as Record<string, unknown>, nodes, w);
}

/** Copy on first change: documents without PII come back as the very same object. */
function walkArray(arr: readonly unknown[], nodes: readonly FieldNode[], w: Walk): readonly unknown[] {
  let out: unknown[] | undefined;
  for (let i = 0; i < arr.length; i++) {
    const v = arr[i];
    w.stack.push(i);
    const r = walk(v, childNodes(nodes, i), w);
    w.stack.pop();
    if (r !== v) (out ??= arr.slice())[i] = r;
  }
  return out ?? arr;
}

function walkObject(obj: Record<string, unknown>, nodes: readonly FieldNode[], w: Walk): Record<string, unknown> {
  let out: Record<string, unknown> | undefined;
  for (const k of Object.keys(obj)) {
    const v = obj[k];
    w.stack.push(k);
    const r = walk(v, childNodes(nodes, k), w);
    w.stack.pop();
    if (r === v) continue;
    // Spread copies an own "__proto__" key (JSON.parse makes one) as data, so this assignment
    // updates that key rather than the prototype.
    (out ??= { ...obj })[k] = r;
  }
  return redactKeys(out ?? obj, w);
}

/**
 * Keys are data too ({"jane@example.com": "cc"}): the detectors run on them (field rules name
 * keys, so they don't). Rebuilt with fromEntries, which defines every key as own data.
 */
function redactKeys(obj: Record<string, unknown>, w: Walk): Record<string, unknown> {
  let renamed: Map<string, string> | undefined;
  for (const k of Object.keys(obj)) {
    if (k.length < 6) continue;
    const nk = masked(k, w, (kind) => w.redactions.push({ kind, path: `${pathOf(w)}{key}` }));
    if (nk !== k) (renamed ??= new Map()).set(k, nk);
  }
  if (!renamed) return obj;
  const map = renamed;
  return Object.fromEntries(Object.entries(obj).map(([k, v]) => [map.get(k) ?? k, v]));
}

const anyDetector = (c: CompiledRules) => c.detectors.email || c.detectors.phone || c.detectors.card || c.detectors.iban;

/**
 * How a document is scanned: `regions` (default: WARDEN_PHONE_REGION, read now) and the
 * detection work `budget` (default: a fresh REQUEST_WORK_BUDGET; pass one to share it between
 * the documents of a request or to set a smaller one).
 */
export type ScanOptions = { regions?: PhoneRegions; budget?: ScanBudget };

function walkState(root: string, compiled: CompiledRules, key: Uint8Array, opts: ScanOptions): Walk {
  const regions = compiled.detectors.phone ? (opts.regions ?? phoneRegions()) : undefined;
  return { rules: compiled, key, root, stack: [], redactions: [], regions, budget: opts.budget ?? new ScanBudget() };
}

/**
 * Replaces PII in an agent's input/context/output with keyed markers; never mutates `value`.
 * @throws WardenError `pii_scan_too_costly` (413) when the document needs more detection work
 * than its budget has left (see budget.ts); an Error naming WARDEN_PHONE_REGION when that is invalid
 */
export function redactDocument(
  root: "input" | "context" | "output",
  value: unknown,
  rules: RedactionRules,
  key: Uint8Array,
  opts: ScanOptions = {},
): { value: unknown; redactions: Redaction[] } {
  assertKey(key);
  const compiled = compileRules(rules);
  const node = compiled.roots[root];
  if (!node && !anyDetector(compiled)) return { value, redactions: [] };
  const w = walkState(root, compiled, key, opts);
  return { value: walk(value, node ? [node] : NO_FIELDS, w), redactions: w.redactions };
}

/** The same for an error message; the field rule "error" replaces it whole. */
export function redactText(
  root: "error",
  text: string,
  rules: RedactionRules,
  key: Uint8Array,
  opts: ScanOptions = {},
): { value: string; redactions: Redaction[] } {
  assertKey(key);
  const compiled = compileRules(rules);
  const w = walkState(root, compiled, key, opts);
  const node = compiled.roots[root];
  if (node?.whole && !isMarker(text)) {
    return { value: redactionMarker("field", text, key), redactions: [{ kind: "field", path: root }] };
  }
  return { value: redactString(text, w), redactions: w.redactions };
}
