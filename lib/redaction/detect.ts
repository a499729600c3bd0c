import { ScanBudget } from "./budget.ts";
import { scanCard } from "./detect-card.ts";
import { scanEmail } from "./detect-email.ts";
import { scanIban } from "./detect-iban.ts";
import { scanPhone } from "./detect-phone.ts";
import { markerSpans } from "./marker.ts";
import { normalizeText } from "./normalize-text.ts";
import { phoneRegions, type PhoneRegions } from "./phone-regions.ts";
import type { DetectorKind } from "./rules.ts";
import { isDigit, Taken, type Span } from "./spans.ts";

export { gs1Valid, isCardDigits, isCardNumber, luhnValid } from "./detect-card.ts";
export { ibanChecksumValid, ibanValid } from "./detect-iban.ts";
export type { Span } from "./spans.ts";

const NONE: readonly Span[] = Object.freeze([]);
/** "@", full-width "＠", small "﹫": what NFKC turns into "@". */
const ANY_AT = /[@\uff20\ufe6b]/;
/** Digits NFKC or normalizeText turn into ASCII ones (full-width, Arabic-Indic…). */
const OTHER_DIGITS = /(?![0-9])\p{Nd}/u;

/** Cheap gate: card, IBAN and phone all need at least 8 digits. */
function hasDigits(text: string, min: number): boolean {
  let n = 0;
  for (let i = 0; i < text.length; i++) if (isDigit(text.charCodeAt(i)) && ++n >= min) return true;
  return false;
}

/**
 * PII spans in a text, in order, never overlapping each other or an existing marker; offsets
 * are in `text` as given. Detection runs on normalizeText(text) — NFKC, one kind of space and
 * dash — and each span is mapped back, so a marker replaces exactly the original characters
 * (an NBSP-grouped phone, full-width digits) and nothing around them. E-mail runs first (an
 * address may hold digits), then IBAN and card, so their digits are never taken for a phone.
 * `regions` defaults to WARDEN_PHONE_REGION (see phoneRegions); an invalid setting throws.
 * `budget` counts the detection work (see budget.ts; pass the request's; default: a fresh one).
 * @throws WardenError `pii_scan_too_costly` when the text needs more work than the budget has left
 */
export function detectPii(text: string, on: Readonly<Record<DetectorKind, boolean>>, regions?: PhoneRegions, budget?: ScanBudget): readonly Span[] {
  // Most strings (names, keys, statuses, short ids) can't hold PII: skip normalising them.
  const maybeEmail = on.email && ANY_AT.test(text);
  const maybeDigits = (on.card || on.iban || on.phone) && (hasDigits(text, 8) || OTHER_DIGITS.test(text));
  if (!maybeEmail && !maybeDigits) return NONE;
  const norm = normalizeText(text);
  const t = norm.text;
  const email = on.email && t.includes("@");
  const digits = (on.card || on.iban || on.phone) && hasDigits(t, 8);
  if (!email && !digits) return NONE;
  const found: Span[] = [];
  const taken = new Taken(t.includes("[redacted:") ? markerSpans(t) : []);
  if (email) scanEmail(t, taken, found);
  if (digits && on.iban) scanIban(t, taken, found);
  if (digits && on.card) scanCard(t, taken, found);
  if (digits && on.phone) scanPhone(t, taken, found, regions ?? phoneRegions(), budget ?? new ScanBudget());
  if (found.length > 1) found.sort((a, b) => a.start - b.start);
  const { from, to } = norm;
  if (!from || !to) return found;
  return found.map((s) => ({ kind: s.kind, start: from[s.start] as number, end: to[s.end - 1] as number }));
}
