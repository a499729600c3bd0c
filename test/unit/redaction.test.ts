import { createHmac } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ibanChecksumValid, luhnValid } from "../../lib/redaction/detect.ts";
import {
  DEFAULT_REDACTION_RULES,
  findMarkers,
  MARKER_PATTERN,
  normalizeFieldPath,
  redactDocument,
  redactionMarker,
  redactionRulesSchema,
  redactText,
  type RedactionKind,
  type RedactionRules,
} from "../../lib/redaction/index.ts";

const key = new TextEncoder().encode("unit-test-redaction-key");
const otherKey = new TextEncoder().encode("another-redaction-key");
const rules = DEFAULT_REDACTION_RULES;
const withFields = (...fields: string[]): RedactionRules => ({ ...DEFAULT_REDACTION_RULES, fields });

/** The marker computed independently of the library, from the already-normalised value. */
function m(kind: RedactionKind, normalised: string, k: Uint8Array = key): string {
  return `[redacted:${kind}:${createHmac("sha256", k).update(`${kind}:${normalised}`).digest("hex").slice(0, 16)}]`;
}

const EMAIL = m("email", "jane.doe@example.com");
const CARD = m("card", "4111111111111111");
const IBAN_GB = m("iban", "GB82WEST12345698765432");

describe("email redaction", () => {
  it("replaces a whole-string email, an inline one and nested ones, lowercased", () => {
    const input = {
      customer: { email: "Jane.Doe@Example.com", name: "Jane" },
      notes: ["contact jane.doe@example.com today", "nothing here"],
      deep: [{ list: [["reply to a_b-c+tag@mail.example.co.uk."]] }],
    };
    expect(redactDocument("input", input, rules, key)).toEqual({
      value: {
        customer: { email: EMAIL, name: "Jane" },
        notes: [`contact ${EMAIL} today`, "nothing here"],
        deep: [{ list: [[`reply to ${m("email", "a_b-c+tag@mail.example.co.uk")}.`]] }],
      },
      redactions: [
        { kind: "email", path: "input.customer.email" },
        { kind: "email", path: "input.notes[0]" },
        { kind: "email", path: "input.deep[0].list[0][0]" },
      ],
    });
  });
  it("needs a dotted domain with a 2+ letter TLD", () => {
    for (const s of ["user@localhost", "admin@host.c", "price @ 12.50 each", "@handle_on_social"]) {
      expect(redactDocument("input", { s }, rules, key).redactions).toEqual([]);
    }
  });
});

describe("phone redaction", () => {
  const cases: [string, string][] = [
    ["+33 6 12 34 56 78", "+33612345678"],
    ["+1 (415) 555-0132", "+14155550132"],
    ["+442079460958", "+442079460958"],
    ["+44 20 7946 0958", "+442079460958"],
    ["+44 (0)20 7946 0958", "+442079460958"],
    ["+49.30.1234.5678", "+493012345678"],
    // Written nationally: E.164 read in the configured regions (home FR, then GB, US).
    ["(415) 555-0132", "+14155550132"],
    ["415-555-0132", "+14155550132"],
    ["415.555.0132", "+14155550132"],
    ["06 12 34 56 78", "+33612345678"],
    ["06-12-34-56-78", "+33612345678"],
    ["0612345678", "+33612345678"],
    ["0033 6 12 34 56 78", "+33612345678"],
    ["020 7946 0958", "+442079460958"],
  ];
  it.each(cases)("redacts %s as a whole value", (raw, normalised) => {
    expect(redactDocument("context", { phone: raw }, rules, key)).toEqual({
      value: { phone: m("phone", normalised) },
      redactions: [{ kind: "phone", path: "context.phone" }],
    });
  });
  it("redacts inline, keeping the surrounding text and punctuation", () => {
    const r = redactDocument("input", { msg: "Call +1 (415) 555-0132, or 020 7946 0958. Thanks" }, rules, key);
    expect(r.value).toEqual({ msg: `Call ${m("phone", "+14155550132")}, or ${m("phone", "+442079460958")}. Thanks` });
    expect(r.redactions).toEqual([
      { kind: "phone", path: "input.msg" },
      { kind: "phone", path: "input.msg" },
    ]);
  });
  it("finds numbers written in parentheses", () => {
    expect(redactText("error", "reach me (+33 6 12 34 56 78) or (06 12 34 56 78)", rules, key).value).toBe(
      `reach me (${m("phone", "+33612345678")}) or (${m("phone", "+33612345678")})`,
    );
  });
  it("gives formatting variants of one number the same marker, international or national", () => {
    const a = redactDocument("input", ["+44 20 7946 0958", "+442079460958", "+44-20-7946-0958", "020 7946 0958", "+44 (0)20 7946 0958"], rules, key).value;
    expect(a).toEqual(Array.from({ length: 5 }, () => m("phone", "+442079460958")));
  });
  it("reads a national number only where it is written as that country writes it", () => {
    // 555 123 4567 is the North American shape the detector took, not GB's 0555 123 4567.
    expect(redactionMarker("phone", "555 123 4567", key)).toBe(redactionMarker("phone", "+1 555 123 4567", key));
    expect(redactionMarker("phone", "555 123 4567", key)).not.toBe(redactionMarker("phone", "+44 555 123 4567", key));
    expect(redactionMarker("phone", "0555 123 4567", key)).toBe(redactionMarker("phone", "+44 555 123 4567", key));
  });
  it("reads a national number in the home region first (WARDEN_PHONE_REGION)", () => {
    const before = process.env.WARDEN_PHONE_REGION;
    try {
      process.env.WARDEN_PHONE_REGION = "GB,FR";
      expect(redactDocument("input", ["020 7946 0958", "06 12 34 56 78"], rules, key).value).toEqual([m("phone", "+442079460958"), m("phone", "+33612345678")]);
    } finally {
      if (before === undefined) delete process.env.WARDEN_PHONE_REGION;
      else process.env.WARDEN_PHONE_REGION = before;
    }
  });
});

describe("card redaction", () => {
  it("redacts Luhn-valid numbers spaced, dashed or plain, in strings and as JSON numbers", () => {
    const input = { a: "4111 1111 1111 1111", b: "4111-1111-1111-1111", c: "4111111111111111", d: 4111111111111111, e: [378282246310005] };
    expect(redactDocument("input", input, rules, key)).toEqual({
      value: { a: CARD, b: CARD, c: CARD, d: CARD, e: [m("card", "378282246310005")] },
      redactions: [
        { kind: "card", path: "input.a" },
        { kind: "card", path: "input.b" },
        { kind: "card", path: "input.c" },
        { kind: "card", path: "input.d" },
        { kind: "card", path: "input.e[0]" },
      ],
    });
  });
  it("redacts inline and reports a dashed card as a card, not a phone", () => {
    expect(redactDocument("output", "paid with 4111-1111-1111-1111 (2 items)", rules, key)).toEqual({
      value: `paid with ${CARD} (2 items)`,
      redactions: [{ kind: "card", path: "output" }],
    });
  });
  it("skips zero-padded ids even when they pass Luhn (no card starts with 0)", () => {
    expect(luhnValid("000000000000012344")).toBe(true);
    const doc = { material: "000000000000012344", note: "order 000000000000012344 shipped" };
    expect(redactDocument("input", doc, rules, key).value).toBe(doc);
  });
  it("checks Luhn", () => {
    expect(luhnValid("4111111111111111")).toBe(true);
    expect(luhnValid("79927398713")).toBe(true);
    expect(luhnValid("4111111111111112")).toBe(false);
    expect(luhnValid("41111a1111111111")).toBe(false);
  });
});

describe("IBAN redaction", () => {
  it("redacts grouped, compact and lowercase IBANs that pass mod-97, whole and inline", () => {
    const input = {
      a: "GB82 WEST 1234 5698 7654 32",
      b: "GB82WEST12345698765432",
      c: "gb82 west 1234 5698 7654 32",
      d: "refund to DE89 3704 0044 0532 0130 00 or FR1420041010050500013M02606, thanks",
    };
    expect(redactDocument("input", input, rules, key)).toEqual({
      value: {
        a: IBAN_GB,
        b: IBAN_GB,
        c: IBAN_GB,
        d: `refund to ${m("iban", "DE89370400440532013000")} or ${m("iban", "FR1420041010050500013M02606")}, thanks`,
      },
      redactions: [
        { kind: "iban", path: "input.a" },
        { kind: "iban", path: "input.b" },
        { kind: "iban", path: "input.c" },
        { kind: "iban", path: "input.d" },
        { kind: "iban", path: "input.d" },
      ],
    });
  });
  it("ends an IBAN at its country's length, even when a short word follows", () => {
    expect(redactText("error", "BE68 5390 0754 7034 thanks", rules, key).value).toBe(`${m("iban", "BE68539007547034")} thanks`);
  });
  it("checks mod-97", () => {
    expect(ibanChecksumValid("GB82WEST12345698765432")).toBe(true);
    expect(ibanChecksumValid("gb82west12345698765432")).toBe(true);
    expect(ibanChecksumValid("GB83WEST12345698765432")).toBe(false);
    expect(ibanChecksumValid("GB82-WEST")).toBe(false);
  });
});

describe("things that are not PII", () => {
  const notPii = [
    "1299.00",
    "price 1299.00 EUR",
    "2026-11-25",
    "2026-11-25T10:00:00Z",
    "2026-11-25T10:00:00.123+01:00",
    "05.11.2026 09.30",
    "SKU-12345678",
    "ORD-2026-000123",
    "C-48213",
    "123e4567-e89b-12d3-a456-426614174000",
    "12345678-1234-1234-1234-123456789012",
    "4111111111111112",
    "4111 1111 1111 1112",
    "GB83WEST12345698765432",
    "GB83 WEST 1234 5698 7654 32",
    "12345678901",
    "4155550132",
    "v10.4.12",
    "version 1.2.3-beta.4",
    "0.30000000000000004",
    "192.168.100.200",
    "scores 10 20 30 40 50 60 70 80",
  ];
  it.each(notPii)("leaves %s alone", (s) => {
    const doc = { s, nested: [{ s }] };
    const r = redactDocument("input", doc, rules, key);
    expect(r.value).toBe(doc);
    expect(r.redactions).toEqual([]);
  });
  it("leaves non-card numbers, booleans, null and plain keys alone", () => {
    const doc = { price: 129.5, qty: 12345678901234, nonLuhn: 4111111111111112, ok: true, none: null, "customer-email": "x" };
    const r = redactDocument("input", doc, rules, key);
    expect(r.value).toBe(doc);
    expect(r.redactions).toEqual([]);
  });
  it("redacts PII in object keys, keeping their order and values", () => {
    const doc = { recipients: { "jane.doe@example.com": "cc", "Ops desk": "to" }, after: 1 };
    const r = redactDocument("input", doc, rules, key);
    expect(r.value).toEqual({ recipients: { [EMAIL]: "cc", "Ops desk": "to" }, after: 1 });
    expect(Object.keys((r.value as typeof doc).recipients)).toEqual([EMAIL, "Ops desk"]);
    expect(r.redactions).toEqual([{ kind: "email", path: "input.recipients{key}" }]);
    expect(doc.recipients).toHaveProperty(["jane.doe@example.com"]);
  });
});

describe("field rules", () => {
  it("replaces the whole value at a path, objects included, without running detectors inside", () => {
    const address = { street: "1 Main St", zip: "94105", contact: "jane.doe@example.com" };
    const r = redactDocument("input", { customer: { address, email: "jane.doe@example.com" } }, withFields("input.customer.address"), key);
    expect(r).toEqual({
      value: { customer: { address: m("field", JSON.stringify({ contact: "jane.doe@example.com", street: "1 Main St", zip: "94105" })), email: EMAIL } },
      redactions: [
        { kind: "field", path: "input.customer.address" },
        { kind: "email", path: "input.customer.email" },
      ],
    });
  });
  it("hashes the canonical JSON, so key order and number spelling do not matter", () => {
    const a = redactDocument("input", { x: { b: 1.0, a: [1, "two"] } }, withFields("input.x"), key).value;
    const b = redactDocument("input", { x: { a: [1, "two"], b: 1 } }, withFields("input.x"), key).value;
    expect(a).toEqual({ x: m("field", '{"a":[1,"two"],"b":1}') });
    expect(b).toEqual(a);
  });
  it("matches any array index or key with *", () => {
    const input = { items: [{ giftMessage: "Happy birthday!", sku: "A1" }, { sku: "B2" }, { giftMessage: 42 }] };
    expect(redactDocument("input", input, withFields("input.items.*.giftMessage"), key)).toEqual({
      value: { items: [{ giftMessage: m("field", '"Happy birthday!"'), sku: "A1" }, { sku: "B2" }, { giftMessage: m("field", "42") }] },
      redactions: [
        { kind: "field", path: "input.items[0].giftMessage" },
        { kind: "field", path: "input.items[2].giftMessage" },
      ],
    });
    const context = { billing: { email: "x" }, shipping: { email: "y", city: "Paris" } };
    expect(redactDocument("context", context, withFields("context.*.email"), key).value).toEqual({
      billing: { email: m("field", '"x"') },
      shipping: { email: m("field", '"y"'), city: "Paris" },
    });
  });
  it("can redact a whole root and a numbered array element", () => {
    expect(redactDocument("output", { ok: true }, withFields("output"), key)).toEqual({
      value: m("field", '{"ok":true}'),
      redactions: [{ kind: "field", path: "output" }],
    });
    expect(redactDocument("input", { tags: ["a", "b"] }, withFields("input.tags.1"), key).value).toEqual({ tags: ["a", m("field", '"b"')] });
  });
  it("only applies to its own root", () => {
    const doc = { customer: { name: "Jane Doe" } };
    const r = redactDocument("input", doc, withFields("context.customer", "output.customer", "error"), key);
    expect(r.value).toBe(doc);
    expect(r.redactions).toEqual([]);
  });
  it("leaves missing paths alone", () => {
    const doc = { customer: { name: "Jane Doe" } };
    expect(redactDocument("input", doc, withFields("input.customer.address", "input.nothing.*"), key).value).toBe(doc);
  });
});

describe("rules", () => {
  it("does nothing for detectors that are switched off", () => {
    const off: RedactionRules = { email: false, phone: false, card: false, iban: false, fields: [] };
    const doc = { e: "jane.doe@example.com", p: "+33 6 12 34 56 78", c: "4111111111111111", n: 4111111111111111, i: "GB82WEST12345698765432" };
    const r = redactDocument("input", doc, off, key);
    expect(r.value).toBe(doc);
    expect(r.redactions).toEqual([]);
    expect(redactDocument("input", doc, { ...off, phone: true }, key).value).toEqual({ ...doc, p: m("phone", "+33612345678") });
    expect(redactDocument("input", doc, { ...off, email: true }, key).value).toEqual({ ...doc, e: EMAIL });
    expect(redactDocument("input", doc, { ...off, card: true }, key).value).toEqual({ ...doc, c: CARD, n: CARD });
    expect(redactDocument("input", doc, { ...off, iban: true }, key).value).toEqual({ ...doc, i: IBAN_GB });
  });
  it("schema accepts valid rules, trimming and de-duplicating paths", () => {
    const parsed = redactionRulesSchema.parse({ ...DEFAULT_REDACTION_RULES, fields: [" input.customer.address ", "input.customer.address", "context.*.email", "error"] });
    expect(parsed).toEqual({ email: true, phone: true, card: true, iban: true, fields: ["input.customer.address", "context.*.email", "error"] });
  });
  it.each([
    ["", "field path is empty"],
    ["customer.email", 'field path "customer.email" must start with input, context, output or error'],
    ["input..email", 'field path "input..email" has an empty segment'],
    ["input.first name", 'field path "input.first name": segment "first name" must be * or 1-64 letters, digits, _, $ or -'],
    ["input.items[0]", 'field path "input.items[0]": segment "items[0]" must be * or 1-64 letters, digits, _, $ or -'],
    ["error.message", 'field path "error.message": error is a plain string, so its only rule is "error"'],
    [`input.${"a.".repeat(100)}b`, "field path is longer than 200 characters"],
  ])("schema rejects the path %j with a clear message", (path, message) => {
    const r = redactionRulesSchema.safeParse({ ...DEFAULT_REDACTION_RULES, fields: ["input.ok", path] });
    expect(r.success).toBe(false);
    expect(r.error?.issues.map((i) => [i.path, i.message])).toEqual([[["fields", 1], message]]);
    expect(() => normalizeFieldPath(path)).toThrow(message);
  });
  it("schema rejects unknown keys and more than 100 field rules", () => {
    expect(redactionRulesSchema.safeParse({ ...DEFAULT_REDACTION_RULES, ssn: true }).success).toBe(false);
    const many = Array.from({ length: 101 }, (_, i) => `input.f${i}`);
    expect(redactionRulesSchema.safeParse({ ...DEFAULT_REDACTION_RULES, fields: many }).error?.issues[0]?.message).toBe("at most 100 field rules");
  });
});

describe("markers", () => {
  it("give the same value the same marker and normalised variants too", () => {
    const doc = ["Jane.Doe@EXAMPLE.com", " jane.doe@example.com ", "4111 1111 1111 1111", "4111111111111111", "gb82 west 1234 5698 7654 32", "GB82WEST12345698765432"];
    expect(redactDocument("input", doc, rules, key).value).toEqual([EMAIL, ` ${EMAIL} `, CARD, CARD, IBAN_GB, IBAN_GB]);
  });
  it("depend on the key", () => {
    const r = redactDocument("input", { e: "jane.doe@example.com" }, rules, otherKey);
    expect(r.value).toEqual({ e: m("email", "jane.doe@example.com", otherKey) });
    expect(m("email", "jane.doe@example.com", otherKey)).not.toBe(EMAIL);
  });
  it("redactionMarker gives what redactDocument wrote, for searching", () => {
    const doc = { e: "mail JANE.DOE@example.com", p: "+44 20 7946 0958", c: "4111-1111-1111-1111", i: "GB82 WEST 1234 5698 7654 32", f: { b: 2, a: 1 } };
    const v = redactDocument("input", doc, withFields("input.f"), key).value as Record<string, string>;
    expect(v.e).toBe(`mail ${redactionMarker("email", "jane.doe@example.com", key)}`);
    expect(v.p).toBe(redactionMarker("phone", "+442079460958", key));
    expect(v.c).toBe(redactionMarker("card", 4111111111111111, key));
    expect(v.i).toBe(redactionMarker("iban", "gb82west12345698765432", key));
    expect(v.f).toBe(redactionMarker("field", { a: 1, b: 2 }, key));
  });
  it("findMarkers parses them back out of stored text", () => {
    const stored = JSON.stringify(redactDocument("input", { a: "jane.doe@example.com and 4111111111111111", b: ["+442079460958"] }, rules, key).value);
    expect(findMarkers(stored)).toEqual([
      { kind: "email", hash: EMAIL.slice(16, 32) },
      { kind: "card", hash: CARD.slice(15, 31) },
      { kind: "phone", hash: m("phone", "+442079460958").slice(16, 32) },
    ]);
    expect(findMarkers("no markers, [redacted:ssn:0123456789abcdef]")).toEqual([]);
    expect(MARKER_PATTERN.test(EMAIL)).toBe(true);
    expect(MARKER_PATTERN.test("[redacted:email:0123]")).toBe(false);
  });
  it("refuse an empty key", () => {
    expect(() => redactionMarker("email", "a@b.co", new Uint8Array())).toThrow("the redaction key must not be empty");
    expect(() => redactDocument("input", {}, rules, new Uint8Array())).toThrow("the redaction key must not be empty");
  });
});

describe("redactDocument", () => {
  it("does not mutate its input and returns untouched parts as they were", () => {
    const input = { customer: { email: "jane.doe@example.com" }, items: [{ sku: "SKU-1" }], card: 4111111111111111 };
    const before = structuredClone(input);
    const r = redactDocument("input", input, withFields("input.items.*.sku"), key);
    expect(input).toEqual(before);
    expect(r.value).toEqual({ customer: { email: EMAIL }, items: [{ sku: m("field", '"SKU-1"') }], card: CARD });
    expect(r.value).not.toBe(input);
  });
  it("is a no-op on an already redacted document, even for markers whose hash is all digits", () => {
    const fieldRules = withFields("input.customer", "input.items.*.note");
    const first = redactDocument("input", { customer: { name: "Jane" }, items: [{ note: "call 415-555-0132" }], msg: "mail jane.doe@example.com" }, fieldRules, key);
    const again = redactDocument("input", first.value, fieldRules, key);
    expect(again.value).toBe(first.value);
    expect(again.redactions).toEqual([]);
  });
  it("does not trust a marker whose hash is all digits: a card wrapped in marker syntax is still found", () => {
    const smuggled = { a: "[redacted:card:4111111111111111]", b: "see [redacted:phone:0612345678901234] +33 6 12 34 56 78" };
    expect(redactDocument("input", smuggled, rules, key).value).toEqual({
      a: `[redacted:card:${CARD}]`,
      b: `see [redacted:phone:0612345678901234] ${m("phone", "+33612345678")}`,
    });
  });
  it("names odd keys in brackets and keeps a __proto__ key an own property", () => {
    const input = JSON.parse('{"first name": "jane.doe@example.com", "__proto__": {"email": "jane.doe@example.com"}}') as object;
    const r = redactDocument("input", input, rules, key);
    expect(r.redactions).toEqual([
      { kind: "email", path: 'input["first name"]' },
      { kind: "email", path: "input.__proto__.email" },
    ]);
    expect(Object.getPrototypeOf(r.value)).toBe(Object.prototype);
    expect(JSON.stringify(r.value)).toBe(`{"first name":"${EMAIL}","__proto__":{"email":"${EMAIL}"}}`);
  });
});

describe("redactText", () => {
  it("redacts PII inside an error message", () => {
    expect(redactText("error", "card 4111 1111 1111 1111 declined for jane.doe@example.com", rules, key)).toEqual({
      value: `card ${CARD} declined for ${EMAIL}`,
      redactions: [
        { kind: "card", path: "error" },
        { kind: "email", path: "error" },
      ],
    });
  });
  it("replaces the whole message under the rule \"error\", once", () => {
    const first = redactText("error", "upstream said: Jane owes 12 EUR", withFields("error"), key);
    expect(first).toEqual({ value: m("field", '"upstream said: Jane owes 12 EUR"'), redactions: [{ kind: "field", path: "error" }] });
    expect(redactText("error", first.value, withFields("error"), key)).toEqual({ value: first.value, redactions: [] });
  });
  it("ignores field rules of other roots", () => {
    expect(redactText("error", "timeout talking to billing", withFields("input.error", "output"), key)).toEqual({
      value: "timeout talking to billing",
      redactions: [],
    });
  });
});
