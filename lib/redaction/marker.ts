import { createHmac, createSecretKey, type KeyObject } from "node:crypto";
import { domainToUnicode } from "node:url";
import canonicalize from "canonicalize";
import { normalizeString } from "./normalize-text.ts";
import { canonicalPhone, phoneSearchForms } from "./phone-canonical.ts";
import { phoneRegions, type PhoneRegions } from "./phone-regions.ts";
import type { RedactionKind } from "./rules.ts";

/**
 * One marker, anchored nowhere and without the g flag so `test()` has no lastIndex state.
 * The syntax is also valid as a PostgreSQL regular expression.
 */
export const MARKER_PATTERN = /\[redacted:(email|phone|card|iban|field):([0-9a-f]{16})\]/;
const MARKERS = new RegExp(MARKER_PATTERN.source, "g");
const WHOLE_MARKER = new RegExp(`^${MARKER_PATTERN.source}$`);

// A "hash" of 16 digits could be a card number an agent wrapped in marker syntax to smuggle
// it past the detectors; such markers are not trusted (a real one is all digits 1 in 1,850).
const trusted = (hash: string) => /[a-f]/.test(hash);

/** A value that is already a marker is left alone, so redacting twice changes nothing. */
export function isMarker(s: string): boolean {
  if (!s.startsWith("[redacted:")) return false;
  const m = WHOLE_MARKER.exec(s);
  return m !== null && trusted(m[2]!);
}

/** Spans of markers already in a text: the detectors must not look inside them. */
export function markerSpans(text: string): { start: number; end: number }[] {
  const spans: { start: number; end: number }[] = [];
  for (const m of text.matchAll(MARKERS)) if (trusted(m[2]!)) spans.push({ start: m.index, end: m.index + m[0].length });
  return spans;
}

export function findMarkers(text: string): { kind: RedactionKind; hash: string }[] {
  return [...text.matchAll(MARKERS)].map((m) => ({ kind: m[1] as RedactionKind, hash: m[2] as string }));
}

/**
 * The e-mail part of normalize(): lower-cased (local parts are case-insensitive in practice,
 * domains always), and a domain written as A-labels (xn--…) turned into Unicode, so
 * `jane@xn--exmple-cua.com` and `jane@exämple.com` are one address (IDNA 2008 / UTS #46).
 */
function normalizeEmail(s: string): string {
  const lower = s.toLowerCase();
  const at = lower.lastIndexOf("@");
  if (at < 0 || !lower.includes("xn--", at)) return lower;
  const domain = domainToUnicode(lower.slice(at + 1));
  return domain ? lower.slice(0, at + 1) + domain : lower;
}

/**
 * Formatting variants of one value must hash alike, or equality search would miss them. Every
 * kind first goes through normalizeString (NFKC: full-width and other-script digits, `＠`, NBSP,
 * en dashes…). Then: e-mail lower-cased with a Unicode domain; phone in E.164 (`+33612345678`
 * for `06 12 34 56 78` with home region FR: canonicalPhone, read in `regions`, default
 * WARDEN_PHONE_REGION); card the digits; IBAN its letters and digits, upper-cased. Markers of
 * phones written nationally before canonicalisation hashed the digits as written: find-by-value
 * still finds them (phoneMarkers). Other values detected before this normalisation existed keep
 * their marker (ASCII input normalises as it always did).
 */
export function normalize(kind: RedactionKind, raw: unknown, regions?: PhoneRegions): string {
  if (kind === "field") {
    const doc = canonicalize(raw);
    if (doc === undefined) throw new Error("a redacted field value must be JSON");
    return doc;
  }
  const s = normalizeString(String(raw)).trim();
  switch (kind) {
    case "email":
      return normalizeEmail(s);
    case "phone":
      return canonicalPhone(s, regions ?? phoneRegions());
    case "card":
      return s.replace(/\D/g, "");
    case "iban":
      return s.replace(/[^A-Za-z0-9]/g, "").toUpperCase();
  }
}

// HMAC with a KeyObject skips importing the raw key on every marker (the same bytes, the same hash).
const keyObjects = new WeakMap<Uint8Array, KeyObject>();

/** The marker of an already normalised value: HMAC-SHA256 of `<kind>:<value>`, first 64 bits in hex. */
function markerOf(kind: RedactionKind, normalised: string, key: Uint8Array): string {
  assertKey(key);
  let k = keyObjects.get(key);
  if (!k) keyObjects.set(key, (k = createSecretKey(key)));
  const hash = createHmac("sha256", k).update(`${kind}:${normalised}`).digest("hex").slice(0, 16);
  return `[redacted:${kind}:${hash}]`;
}

/**
 * Keyed, so nobody without the key can confirm a guessed phone number from the stored hash.
 * `regions` (phones only; default WARDEN_PHONE_REGION) reads a nationally written number.
 */
export function redactionMarker(kind: RedactionKind, raw: unknown, key: Uint8Array, regions?: PhoneRegions): string {
  assertKey(key);
  return markerOf(kind, normalize(kind, raw, regions), key);
}

/**
 * Every marker a phone number typed in any format may be stored under: today's (E.164) and
 * those written before phone markers were canonicalised, which hashed the digits as written
 * (`0612345678` for a number written nationally). For find-by-value; `regions` default
 * WARDEN_PHONE_REGION (a change of it changes what a nationally written number means).
 */
export function phoneMarkers(raw: string, key: Uint8Array, regions?: PhoneRegions): string[] {
  const forms = phoneSearchForms(normalizeString(raw).trim(), regions ?? phoneRegions());
  return forms.map((f) => markerOf("phone", f, key));
}

/** An empty HMAC key is a plain hash: low-entropy values (phones) could be brute-forced back. */
export function assertKey(key: Uint8Array): void {
  if (key.length === 0) throw new Error("the redaction key must not be empty");
}
