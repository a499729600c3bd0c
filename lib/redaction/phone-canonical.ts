import { parsePhoneNumberFromString, type PhoneNumber } from "libphonenumber-js/max";
import type { PhoneRegions } from "./phone-regions.ts";

/**
 * The phone form markers hashed before canonicalisation (kept to find older markers): the
 * digits, after a `+` when written internationally (`+…`, `(+…)`, or the `00` exit code, which
 * becomes `+`). `s` is already normalizeString'd and trimmed.
 */
export function legacyPhoneForm(s: string): string {
  const digits = s.replace(/\D/g, "");
  if (/^\(?\+/.test(s)) return `+${digits}`;
  return digits.startsWith("00") ? `+${digits.slice(2)}` : digits;
}

/** The number as libphonenumber reads it (international with `+`, else national in `region`), or undefined. */
function parsed(form: string, region: PhoneRegions["home"]): PhoneNumber | undefined {
  try {
    return parsePhoneNumberFromString(form, { defaultCountry: region, extract: false });
  } catch {
    return undefined;
  }
}

/**
 * One canonical form per phone number: E.164 (ITU-T E.164, `+<country code><national number>`,
 * digits only), so `+33 6 12 34 56 78`, `0033 6 12 34 56 78` and `06 12 34 56 78` (home region
 * FR) are one value. Read as the detector reads numbers (detect-phone.ts): written with `+` or
 * `00`, by its own country code when libphonenumber finds it possible; written nationally, in the
 * first of `regions` (home first, then the others in order) where it is valid and written as
 * that country writes it (trunk prefix included: libphonenumber's national format), else (US or CA
 * configured) as a North American number when it has that shape. A number no reading accepts
 * keeps its legacy form (legacyPhoneForm), so its marker is what it always was. Source of the metadata: Google's libphonenumber
 * (libphonenumber-js/max). `s` is already normalizeString'd and trimmed; never throws.
 */
export function canonicalPhone(s: string, regions: PhoneRegions): string {
  const legacy = legacyPhoneForm(s);
  if (legacy.length < 2) return legacy;
  if (legacy.startsWith("+")) {
    const p = parsed(legacy, regions.home);
    return p?.isPossible() ? p.number : legacy;
  }
  for (const region of [regions.home, ...regions.others]) {
    const p = parsed(legacy, region);
    // Valid there and written as that country writes it (its trunk prefix included, as the
    // detector demands): "5551234567" is no GB number though 0555 123 4567 is one.
    if (p?.isValid() && p.formatNational().replace(/\D/g, "") === legacy) return p.number;
  }
  // The detector takes unassigned North American ranges (555 numbers) by their shape when US or
  // CA is configured: read them as +1, so `(415) 555-0132` and `+1 415 555 0132` are one number.
  if (NANP_DIGITS.test(legacy) && [regions.home, ...regions.others].some((r) => r === "US" || r === "CA")) {
    const p = parsed(legacy, "US");
    if (p?.isPossible()) return p.number;
  }
  return legacy;
}

/** The North American shape the detector accepts (detect-phone.ts NANP): [1] NPA (2–9 first) NXX XXXX. */
const NANP_DIGITS = /^1?[2-9]\d{9}$/;

/**
 * Every form a marker of this phone number may have been hashed from: its canonical form
 * (today's markers), and the legacy forms of markers written before canonicalisation (the
 * digits as typed, and the number written nationally, as its own country writes it, e.g.
 * `0612345678` for `+33612345678`). Find-by-value looks for all of them. Never throws.
 */
export function phoneSearchForms(s: string, regions: PhoneRegions): string[] {
  const canonical = canonicalPhone(s, regions);
  const forms = new Set([canonical, legacyPhoneForm(s)]);
  if (canonical.startsWith("+")) {
    const p = parsed(canonical, regions.home);
    const national = p?.formatNational().replace(/\D/g, "");
    if (national) forms.add(national);
  }
  return [...forms];
}
