// Decision receipts, verified offline: Ed25519 (RFC 8032) through the platform's WebCrypto
// (Node ≥ 20, current browsers, Deno, Bun) over RFC 8785 canonical JSON. No dependency.
import type { ActionStatus, Decision } from "./types.ts";

/** What a receipt states (docs/API.md "Receipts"); signed over its RFC 8785 canonical JSON. */
export type ReceiptPayload = {
  type: "warden.decision.receipt";
  v: 1;
  actionId: string;
  agentId: string;
  action: string;
  /** The resource as the agent sent it ("" when none). */
  resource: string;
  /** SHA-256 (hex) of the RFC 8785 canonical JSON of the input the agent sent: `inputHash(input)`. */
  inputHash: string;
  decision: Decision;
  status: ActionStatus;
  policyVersions: { policyId: string; version: number; matched: boolean }[];
  knowledge: { set: string; version: number }[];
  approvers: { userId: string; email: string }[];
  /** Approved with changes only: `inputHash` of the input the approvers approved (the answer's `approvedInput`) — check the change you receive against it instead of `inputHash`. */
  approvedInputHash?: string;
  /** When the action reached this status (ISO 8601). */
  time: string;
};

/** The `receipt` of an answer of `POST /v1/actions` or `GET /v1/actions/{id}`. */
export type Receipt = { kid: string; alg: "Ed25519"; payload: ReceiptPayload; signature: string };

/** A key of `GET /api/keys/receipts`. */
export type ReceiptKey = { kid: string; alg: "Ed25519"; publicKey: string; validFrom: string | null; validUntil: string | null; status?: "current" | "retired" };

/** The document `GET /api/keys/receipts` answers, or its `keys` list. */
export type ReceiptKeys = { keys: readonly ReceiptKey[] } | readonly ReceiptKey[];

/** Why a receipt does not verify. */
export type ReceiptFailure =
  | "malformed" // not {kid, alg, payload: {type: "warden.decision.receipt", v: 1, …}, signature}
  | "unsupported_alg" // alg is not Ed25519
  | "unknown_key" // kid is not among the keys given
  | "bad_signature" // the payload was altered, or another key signed it
  | "key_retired"; // dated after its key's validUntil (+ RETIRED_KEY_GRACE_MS): a retired key signs nothing new

export type ReceiptCheck =
  | { ok: true; kid: string; payload: ReceiptPayload; keyStatus: "current" | "retired" }
  | { ok: false; reason: ReceiptFailure; kid: string | null; message: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
const B64URL = /^[A-Za-z0-9_-]*$/;
/**
 * How long after its key's `validUntil` a receipt may still be dated: instances notice a
 * rotation at their next signature, but their clocks (and a shared key directory's caches)
 * can lag the one that rotated by a little.
 */
export const RETIRED_KEY_GRACE_MS = 120_000;

/**
 * RFC 8785 (JSON Canonicalization Scheme) text of a JSON value: object members sorted by their
 * UTF-16 code units, no white space, strings and numbers as ECMAScript's JSON.stringify writes
 * them (which is what RFC 8785 specifies). The value is first taken as JSON would send it
 * (`toJSON`, undefined members dropped), so `canonicalJson(x)` is what Warden canonicalises
 * when it receives `JSON.stringify(x)`. Throws TypeError for what JSON can't hold (NaN,
 * Infinity, BigInt, undefined at the top).
 */
export function canonicalJson(value: unknown): string {
  assertFinite(value);
  const text = JSON.stringify(value);
  if (text === undefined) throw new TypeError("canonicalJson: not a JSON value");
  return canonical(JSON.parse(text) as unknown);
}

// Only what JSON.parse makes: null, booleans, numbers, strings, arrays, plain objects.
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(",")}]`;
  if (isObject(v)) return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${canonical(v[k])}`).join(",")}}`;
  return JSON.stringify(v);
}

/** Refuses numbers JSON.stringify would silently have written as null. */
function assertFinite(value: unknown, seen = new Set<unknown>()): void {
  if (typeof value === "number" && !Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a JSON number`);
  if (typeof value === "bigint") throw new TypeError("canonicalJson: BigInt is not JSON");
  if (typeof value !== "object" || value === null || seen.has(value)) return;
  seen.add(value);
  for (const x of Array.isArray(value) ? value : Object.values(value)) assertFinite(x, seen);
}

const subtle = (): SubtleCrypto => {
  const s = globalThis.crypto?.subtle;
  if (!s) throw new Error("Warden receipts need WebCrypto (globalThis.crypto.subtle): Node ≥ 20 or a current browser");
  return s;
};

/**
 * A receipt's `inputHash` for `input`: SHA-256 (lowercase hex) of `canonicalJson(input ?? {})`.
 * A business system recomputes it from the input it is asked to apply and compares.
 */
export async function inputHash(input: unknown): Promise<string> {
  const digest = await subtle().digest("SHA-256", new TextEncoder().encode(canonicalJson(input ?? {})));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

function fromBase64url(s: string): Uint8Array<ArrayBuffer> {
  if (!B64URL.test(s)) throw new TypeError("not base64url");
  const b64 = s.replace(/-/g, "+").replace(/_/g, "/") + "=".repeat((4 - (s.length % 4)) % 4);
  const bin = atob(b64);
  const out = new Uint8Array(new ArrayBuffer(bin.length));
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

const imported = new Map<string, Promise<CryptoKey>>();
function publicKeyOf(raw: string): Promise<CryptoKey> {
  let key = imported.get(raw);
  if (!key) {
    const bytes = fromBase64url(raw);
    if (bytes.length !== 32) return Promise.reject(new TypeError("an Ed25519 public key is 32 bytes"));
    key = subtle().importKey("raw", bytes, { name: "Ed25519" }, false, ["verify"]);
    key.catch(() => imported.delete(raw));
    imported.set(raw, key);
  }
  return key;
}

/**
 * Verifies a receipt offline with Warden's published receipt keys (`GET /api/keys/receipts`,
 * fetched once — `fetchReceiptKeys` — or pinned in your configuration): the key named by
 * `kid`, the Ed25519 signature over the RFC 8785 canonical JSON of `payload`, and the key's
 * validity (a receipt dated more than `RETIRED_KEY_GRACE_MS` after its key's `validUntil` fails). Whether the receipt fits the
 * request in hand (action, resource, `inputHash`, agent, freshness) is for the caller to check
 * on `payload`. Resolves `{ok: false, reason, message}` when it doesn't verify; throws only
 * when the platform has no WebCrypto.
 */
export async function verifyReceipt(receipt: unknown, keys: ReceiptKeys): Promise<ReceiptCheck> {
  const fail = (reason: ReceiptFailure, kid: string | null, message: string): ReceiptCheck => ({ ok: false, reason, kid, message });
  if (!isObject(receipt)) return fail("malformed", null, "not a receipt (expected an object {kid, alg, payload, signature})");
  const kid = typeof receipt.kid === "string" && receipt.kid ? receipt.kid : null;
  if (!kid) return fail("malformed", null, "the receipt has no kid");
  if (receipt.alg !== "Ed25519") return fail("unsupported_alg", kid, `alg is ${JSON.stringify(receipt.alg)}; Warden receipts are Ed25519`);
  const payload = receipt.payload;
  if (!isObject(payload) || payload.type !== "warden.decision.receipt" || payload.v !== 1) return fail("malformed", kid, "the payload is not a warden.decision.receipt v1");
  const signature = typeof receipt.signature === "string" && B64URL.test(receipt.signature) ? fromBase64url(receipt.signature) : null;
  if (signature?.length !== 64) return fail("malformed", kid, "the signature is not 64 bytes of base64url");
  const list: readonly unknown[] = Array.isArray(keys) ? keys : isObject(keys) && Array.isArray(keys.keys) ? (keys.keys as unknown[]) : [];
  const entry = list.find((k): k is ReceiptKey => isObject(k) && k.kid === kid);
  if (!entry) return fail("unknown_key", kid, `signed by key ${kid}, which is not among the ${list.length} receipt keys given`);
  const crypto = subtle();
  let key: CryptoKey;
  try {
    if (entry.alg !== undefined && entry.alg !== "Ed25519") throw new TypeError("not Ed25519");
    key = await publicKeyOf(String(entry.publicKey));
  } catch {
    return fail("unknown_key", kid, `the published key ${kid} is not an Ed25519 public key`);
  }
  let good = false;
  try {
    good = await crypto.verify({ name: "Ed25519" }, key, signature, new TextEncoder().encode(canonicalJson(payload)));
  } catch {
    good = false;
  }
  if (!good) return fail("bad_signature", kid, `the signature does not match the payload under key ${kid}: the receipt was altered or signed by another key`);
  if (typeof entry.validUntil === "string") {
    const until = Date.parse(entry.validUntil);
    const time = typeof payload.time === "string" ? Date.parse(payload.time) : NaN;
    if (!Number.isNaN(until) && !(time <= until + RETIRED_KEY_GRACE_MS)) return fail("key_retired", kid, `key ${kid} was retired at ${entry.validUntil}, but the receipt is dated ${String(payload.time)}`);
  }
  return { ok: true, kid, payload: payload as ReceiptPayload, keyStatus: entry.status === "retired" || entry.validUntil ? "retired" : "current" };
}

/**
 * `GET <url>/api/keys/receipts` (no credentials needed). `url` is Warden's base URL or the full
 * keys URL. Throws Error when the answer is not a key list.
 */
export async function fetchReceiptKeys(url: string, options: { fetch?: typeof fetch; signal?: AbortSignal } = {}): Promise<{ keys: ReceiptKey[] }> {
  const target = /\/api\/keys\/receipts\/?$/.test(url) ? url : `${url.replace(/\/+$/, "")}/api/keys/receipts`;
  const res = await (options.fetch ?? globalThis.fetch)(target, { headers: { accept: "application/json" }, signal: options.signal });
  if (!res.ok) throw new Error(`GET ${target} answered HTTP ${res.status}`);
  const body = (await res.json()) as unknown;
  if (!isObject(body) || !Array.isArray(body.keys)) throw new Error(`GET ${target} did not answer {"keys": [...]}`);
  return { keys: body.keys as ReceiptKey[] };
}
