import { addSpan, type Span, type Taken } from "./spans.ts";

// RFC 6531 local parts are RFC 5322 dot-atoms whose atext also takes any non-ASCII character.
// Letters, marks and digits of every script, and of the ASCII specials only those seen in real
// addresses (. _ % + - '): `=`, `/`, `?`, `#`, `&`, `!` … would swallow the "user=" or "?to="
// in front of an address in a log line or URL.
const LOCAL = String.raw`[\p{L}\p{M}\p{Nd}_%+'.\-]`;
// IDNA labels (letters of any script, digits, hyphens); a top-level domain of 2+ letters of any
// script, or an A-label (xn--…).
const LABEL = String.raw`[\p{L}\p{M}\p{Nd}\-]+\.`;
const TLD = String.raw`(?:\p{L}[\p{L}\p{M}]+|[xX][nN]--[A-Za-z0-9\-]+)`;
// The lookbehind makes each run of local-part characters a single start, so the scan is linear.
const EMAIL = new RegExp(`(?<!${LOCAL})${LOCAL}+@(?:${LABEL})+${TLD}(?![\\p{L}\\p{M}\\p{Nd}\\-])`, "gu");

/**
 * E-mail addresses (RFC 5322 dot-atom, internationalised per RFC 6531 / IDNA 2008) in a text
 * already passed through normalizeText (so `＠` is `@`). Quoted local parts ("john doe"@…) and
 * address literals (user@[192.0.2.1]) are not detected.
 */
export function scanEmail(text: string, taken: Taken, found: Span[]): void {
  EMAIL.lastIndex = 0;
  for (let m = EMAIL.exec(text); m; m = EMAIL.exec(text)) {
    let start = m.index;
    const end = start + m[0].length;
    // A local part can't start with a dot; an apostrophe or dash there is a quote or a bullet.
    while (".'-".includes(text[start] as string) && text[start + 1] !== "@") start++;
    if (!taken.overlaps(start, end)) addSpan(taken, found, { kind: "email", start, end });
  }
}
