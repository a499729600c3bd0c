import { createHmac } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { detectPii, gs1Valid, isCardDigits, isCardNumber, luhnValid } from "../../lib/redaction/detect.ts";
import { DEFAULT_REDACTION_RULES, redactDocument, redactionMarker, redactText, ScanBudget, type RedactionKind } from "../../lib/redaction/index.ts";
import { normalizeString, normalizeText } from "../../lib/redaction/normalize-text.ts";
import { parsePhoneRegions } from "../../lib/redaction/phone-regions.ts";

// Issue #10 §6: formats that were stored raw. Each example is redacted whole, exactly where it
// stands in the original text, and gets the marker of its normalised value.
const key = new TextEncoder().encode("unit-test-redaction-key");
const rules = DEFAULT_REDACTION_RULES;
const NBSP = "\u00a0";
const NNBSP = "\u202f";
const before = process.env.WARDEN_PHONE_REGION;
afterEach(() => {
  if (before === undefined) delete process.env.WARDEN_PHONE_REGION;
  else process.env.WARDEN_PHONE_REGION = before;
});

/** The marker computed independently of the library, from the already-normalised value. */
function m(kind: RedactionKind, normalised: string): string {
  return `[redacted:${kind}:${createHmac("sha256", key).update(`${kind}:${normalised}`).digest("hex").slice(0, 16)}]`;
}
const redacted = (s: string) => redactText("error", s, rules, key).value;

describe("IBANs written with dashes, dots, non-breaking or double spaces", () => {
  const FR = m("iban", "FR7630006000011234567890189");
  it.each([
    "FR76-3000-6000-0112-3456-7890-189",
    "FR76.3000.6000.0112.3456.7890.189",
    `FR76${NBSP}3000${NBSP}6000${NBSP}0112${NBSP}3456${NBSP}7890${NBSP}189`,
    `FR76${NNBSP}3000${NNBSP}6000${NNBSP}0112${NNBSP}3456${NNBSP}7890${NNBSP}189`,
    "FR76  3000  6000  0112  3456  7890  189",
    "FR76–3000–6000–0112–3456–7890–189",
  ])("%s", (iban) => {
    expect(redacted(`IBAN${NBSP}: ${iban}.`)).toBe(`IBAN${NBSP}: ${FR}.`);
  });
  it("checks the country's BBAN structure as well as mod-97", () => {
    // Passes mod-97 but a French BBAN ends in a 2-digit RIB key, not letters.
    expect(redacted("FR40 3000 6000 0112 3456 7890 1AB")).toBe("FR40 3000 6000 0112 3456 7890 1AB");
  });
});

describe("card numbers written with dots, slashes, underscores, NBSPs, en dashes, full-width digits", () => {
  const CARD = m("card", "4111111111111111");
  it.each([
    "4111.1111.1111.1111",
    "4111/1111/1111/1111",
    "4111_1111_1111_1111",
    `4111${NBSP}1111${NBSP}1111${NBSP}1111`,
    `4111${NNBSP}1111${NNBSP}1111${NNBSP}1111`,
    "4111–1111–1111–1111",
    "４１１１ １１１１ １１１１ １１１１",
    "４１１１１１１１１１１１１１１１",
  ])("%s", (card) => {
    expect(redacted(`paid with ${card}, thanks`)).toBe(`paid with ${CARD}, thanks`);
  });
  it("keeps a CVC or expiry written after the number", () => {
    expect(redacted("4111 1111 1111 1111 123 12/27")).toBe(`${CARD} 123 12/27`);
  });
  it("takes 13-, 14- and 18-digit runs with a valid GS1 check digit for barcodes, even when they pass Luhn", () => {
    for (const ean of ["4006381334211", "5901234123457", "30569309028890", "621234567890124091"]) {
      expect(luhnValid(ean) && gs1Valid(ean), ean).toBe(true);
      expect(isCardDigits(ean), ean).toBe(false);
      expect(redacted(`EAN ${ean}`)).toBe(`EAN ${ean}`);
    }
    expect(isCardNumber(4006381334211)).toBe(false);
    expect(isCardDigits("4222222222222")).toBe(true); // a 13-digit Visa test number, not a valid EAN
  });
  it("needs an issuer range that issues that length", () => {
    expect(luhnValid("9111111111111110")).toBe(true);
    expect(isCardDigits("9111111111111110")).toBe(false);
    expect(isCardDigits("378282246310005")).toBe(true); // Amex, 15
    expect(luhnValid("411111111111116")).toBe(true);
    expect(isCardDigits("411111111111116")).toBe(false); // Visa issues 13, 16 and 19 digits, never 15
  });
});

describe("phone numbers", () => {
  it.each([
    [`06${NBSP}12${NBSP}34${NBSP}56${NBSP}78`, "+33612345678"],
    [`+33${NBSP}6${NBSP}12${NBSP}34${NBSP}56${NBSP}78`, "+33612345678"],
    ["06–12–34–56–78", "+33612345678"],
    ["00 33 6 12 34 56 78", "+33612345678"],
    ["0033612345678", "+33612345678"],
    ["(+44) 20 7946 0958", "+442079460958"],
    ["0612345678", "+33612345678"],
    ["+86 138 0013 8000", "+8613800138000"],
    ["1-800-555-0199", "+18005550199"],
    ["555 123 4567", "+15551234567"],
  ])("%s", (raw, normalised) => {
    expect(redacted(`Tél.${NBSP}: ${raw}${NBSP}!`)).toBe(`Tél.${NBSP}: ${m("phone", normalised)}${NBSP}!`);
  });
  it("takes any possible number after a +, even in ranges the metadata keeps for fiction", () => {
    expect(redacted("call +44 7700 900123")).toBe(`call ${m("phone", "+447700900123")}`);
    expect(redacted("+33 6 12")).toBe("+33 6 12");
  });
  it("gives a number typed with NBSPs, spaces, dashes or full-width digits one marker", () => {
    const forms = [`06${NBSP}12${NBSP}34${NBSP}56${NBSP}78`, "06 12 34 56 78", "06-12-34-56-78", "06.12.34.56.78", "０６ １２ ３４ ５６ ７８"];
    expect(new Set(forms.map((f) => redacted(f)))).toEqual(new Set([m("phone", "+33612345678")]));
    expect(redactionMarker("phone", `+33${NBSP}6 12 34 56 78`, key)).toBe(redactionMarker("phone", "0033 6 12 34 56 78", key));
  });
  it("reads a compact national number in the configured home region only", () => {
    expect(redacted("call 13800138000")).toBe("call 13800138000");
    process.env.WARDEN_PHONE_REGION = "CN";
    expect(redacted("call 13800138000")).toBe(`call ${m("phone", "+8613800138000")}`);
    process.env.WARDEN_PHONE_REGION = "US";
    expect(redacted("order 4155550132")).toBe(`order ${m("phone", "+14155550132")}`);
    expect(redacted("0612345678")).toBe("0612345678");
    expect(redacted("0033 6 12 34 56 78")).toBe(m("phone", "+33612345678")); // 00 is read as + even where the exit code is 011
  });
  it("reads other regions' national numbers only when grouped as those countries group them", () => {
    expect(redacted("(415) 555-0132 / 020 7946 0958")).toBe(`${m("phone", "+14155550132")} / ${m("phone", "+442079460958")}`);
    for (const s of ["sizes 36 38 40 42 44", "1 234 567 890 ₫", "ISBN 0-306-40615-2", "order #100234567"]) expect(redacted(s)).toBe(s);
  });
  it("refuses an unknown region with a message naming the setting", () => {
    expect(() => parsePhoneRegions("FR,XX")).toThrow('WARDEN_PHONE_REGION: "XX" is not a region code');
    expect(() => parsePhoneRegions(" , ")).toThrow("WARDEN_PHONE_REGION is empty");
    expect(parsePhoneRegions(" us, fr ,US")).toEqual({ home: "US", others: ["FR"] });
    process.env.WARDEN_PHONE_REGION = "Narnia";
    expect(() => redactDocument("input", { p: "06 12 34 56 78" }, rules, key)).toThrow("WARDEN_PHONE_REGION");
  });
});

describe("internationalised e-mail addresses (RFC 6531)", () => {
  it.each([
    ["josé@exemple.fr", "josé@exemple.fr"],
    ["müller@example.de", "müller@example.de"],
    ["张伟@example.cn", "张伟@example.cn"],
    ["jane@exämple.com", "jane@exämple.com"],
    ["jane@xn--exmple-cua.com", "jane@exämple.com"],
    ["jane＠example.com", "jane@example.com"],
    ["ｊａｎｅ＠ｅｘａｍｐｌｅ．ｃｏｍ", "jane@example.com"],
    ["jane.o'reilly@example.com", "jane.o'reilly@example.com"],
    ["Jane.O’Reilly@Example.com", "jane.o'reilly@example.com"],
    ["jose\u0301@example.com", "josé@example.com"],
  ])("%s is redacted whole", (raw, normalised) => {
    expect(redacted(`écrire à ${raw}${NBSP}!`)).toBe(`écrire à ${m("email", normalised)}${NBSP}!`);
  });
  it("no longer half-redacts an address with a non-ASCII local part", () => {
    expect(redacted("müller@example.de")).not.toContain("mü");
    expect(redacted("contact: müller@example.de")).toBe(`contact: ${m("email", "müller@example.de")}`);
  });
});

describe("normalised detection, original offsets", () => {
  it("replaces exactly the original characters and leaves the rest of the text as it was", () => {
    const text = `Réf. LUX-001-BLK-42${NBSP}— tél.${NNBSP}: ０６${NBSP}１２${NBSP}３４${NBSP}５６${NBSP}７８, IBAN${NBSP}FR76${NBSP}3000${NBSP}6000${NBSP}0112${NBSP}3456${NBSP}7890${NBSP}189 — ﬁn.`;
    expect(redacted(text)).toBe(
      `Réf. LUX-001-BLK-42${NBSP}— tél.${NNBSP}: ${m("phone", "+33612345678")}, IBAN${NBSP}${m("iban", "FR7630006000011234567890189")} — ﬁn.`,
    );
  });
  it("is a no-op on what it already redacted", () => {
    const first = redactDocument("input", { a: `06${NBSP}12${NBSP}34${NBSP}56${NBSP}78 et müller@example.de` }, rules, key).value;
    expect(redactDocument("input", first, rules, key).value).toBe(first);
  });
  it("finds every value of a long text with thousands of them, between markers already there", () => {
    const pad = (n: number) => String(n).padStart(2, "0");
    const phones = Array.from({ length: 3000 }, (_, i) => `06 12 ${pad(i % 100)} ${pad((i * 7) % 100)} ${pad((i * 13) % 100)}`);
    const text = phones.map((p, i) => (i % 10 === 0 ? `${m("email", `a${i}@example.com`)} ${p}` : `${p} x${i}@example.com`)).join("; ");
    // 3,000 phone numbers are more than one request's work budget allows (pii-budget.test.ts):
    // detection itself is what is tested here, with room for all of them.
    const out = redactText("error", text, rules, key, { budget: new ScanBudget(50_000) }).value;
    const expected = phones
      .map((p, i) => [p, i, m("phone", `+33${p.replaceAll(" ", "").slice(1)}`)] as const)
      .map(([, i, pm]) => (i % 10 === 0 ? `${m("email", `a${i}@example.com`)} ${pm}` : `${pm} ${m("email", `x${i}@example.com`)}`))
      .join("; ");
    expect(out).toBe(expected);
  });
  it("spans come back in the original string's offsets", () => {
    const text = `x${NBSP}${NBSP}＋３３ ６ １２ ３４ ５６ ７８${NBSP}y`;
    const [span] = detectPii(text, { email: false, phone: true, card: false, iban: false });
    expect(text.slice(span!.start, span!.end)).toBe("＋３３ ６ １２ ３４ ５６ ７８");
  });
});

describe("normalizeText", () => {
  it("hands printable ASCII and NFKC-stable text back as it is, without a map", () => {
    for (const s of ["plain ascii 06 12 34 56 78", "Élodie Lefèvre", "téléphone"]) expect(normalizeText(s)).toEqual({ text: s });
  });
  it("maps NFKC, spaces, dashes, apostrophes, other-script digits and invisible characters", () => {
    const r = normalizeText(`a${NBSP}${NNBSP} b–c−d’e\u200bf ＠ ٣ ﬁ e\u0301`);
    expect(r.text).toBe("a b-c-d'ef @ 3 fi é");
    expect(r.from && [...r.from]).toEqual([0, 1, 4, 5, 6, 7, 8, 9, 10, 12, 13, 14, 15, 16, 17, 18, 18, 19, 20]);
    expect(r.to && [...r.to]).toEqual([1, 4, 5, 6, 7, 8, 9, 10, 11, 13, 14, 15, 16, 17, 18, 19, 19, 20, 22]);
  });
  it("reads like normalizeString, which markers hash (so a stored marker and a search agree)", () => {
    for (const s of [`06${NBSP}12${NBSP}34`, "Jane.O’Reilly＠Example.com", `FR76  3000${NNBSP}6000–0112`, "jose\u0301@x.fr", "+٩٧١ ٥٠", "ｊａｎｅ\u200b＠ｘ．ｃｏ", "a\u1680b"]) {
      expect(normalizeString(s)).toBe(normalizeText(s).text);
    }
  });
  it("keeps offsets ordered and inside the original for any input", () => {
    const alphabet = ["a", "1", " ", "  ", NBSP, NNBSP, "–", "\u0301", "e\u0301", "ﬁ", "㍿", "＠", "１", "٣", "\u200b", "’", "😀", "\ud800", "-", "@"];
    let seed = 7;
    const rand = (n: number) => (seed = (seed * 1103515245 + 12345) % 2147483648) % n;
    for (let t = 0; t < 3000; t++) {
      let s = "";
      for (let k = rand(12); k > 0; k--) s += alphabet[rand(alphabet.length)];
      const { text, from, to } = normalizeText(s);
      if (!from || !to) continue;
      expect(from.length).toBe(text.length);
      for (let i = 0; i < text.length; i++) {
        expect(from[i]! < to[i]! && to[i]! <= s.length).toBe(true);
        if (i > 0) expect(from[i]! >= from[i - 1]! && to[i]! >= to[i - 1]!).toBe(true);
      }
      expect(text).not.toContain("  ");
    }
  });
});
