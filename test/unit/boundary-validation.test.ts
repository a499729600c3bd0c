import { describe, expect, it } from "vitest";
import { findUndecodableTarget, findUnsafeValue, jsonTextTooDeep, MAX_JSON_DEPTH, parseJsonBody, unsafeTextReason } from "../../lib/validation/index.ts";

const nested = (levels: number): unknown => {
  let v: unknown = 1;
  for (let i = 0; i < levels; i++) v = { a: v };
  return v;
};

describe("unsafeTextReason", () => {
  it("accepts ordinary text, emoji (a proper surrogate pair) and every other control character", () => {
    for (const ok of ["", "plain", "café 张伟", "😀 ok", "tab\tnewline\n\u0001\u001f"]) expect(unsafeTextReason(ok), ok).toBeNull();
  });
  it("refuses NUL and unpaired surrogates, high or low, anywhere", () => {
    for (const bad of ["\u0000", "a\u0000", "\ud800", "x\udbff", "\udc00y", "😀\ud83d", "\ude00😀"]) expect(unsafeTextReason(bad), JSON.stringify(bad)).not.toBeNull();
  });
});

describe("findUnsafeValue", () => {
  it("names the path of a bad value, a bad key, a non-finite number", () => {
    expect(findUnsafeValue({ input: { items: [{ ok: 1 }, { note: "a\u0000" }] } })).toMatchObject({ path: "input.items.1.note" });
    expect(findUnsafeValue({ input: { ["k\u0000"]: 1 } })).toMatchObject({ path: "input.k\\u0000", message: expect.stringContaining("key") });
    expect(findUnsafeValue({ n: Infinity })).toMatchObject({ path: "n", message: expect.stringContaining("finite") });
    expect(findUnsafeValue({ n: NaN })).toMatchObject({ path: "n" });
    expect(findUnsafeValue("\ud800")).toMatchObject({ path: "(body)" });
    expect(findUnsafeValue({ a: [1, "two", null, true, { b: 1e308 }] })).toBeNull();
  });
  it(`allows ${MAX_JSON_DEPTH} levels of nesting and refuses one more, iteratively (no stack for 100,000)`, () => {
    expect(findUnsafeValue(nested(MAX_JSON_DEPTH))).toBeNull();
    expect(findUnsafeValue(nested(MAX_JSON_DEPTH + 1))).toMatchObject({ message: expect.stringContaining(`deeper than ${MAX_JSON_DEPTH}`) });
    expect(findUnsafeValue(nested(100_000))).not.toBeNull();
  });
});

describe("parseJsonBody", () => {
  it("reads an empty body as {} and refuses text that isn't JSON", () => {
    expect(parseJsonBody("  ")).toEqual({});
    expect(() => parseJsonBody("{")).toThrow(expect.objectContaining({ code: "invalid_json" }));
  });
  it("refuses 1e309 (JSON.parse reads Infinity) and \\u0000 escapes, naming the path", () => {
    expect(() => parseJsonBody('{"input":{"n":1e309}}')).toThrow(expect.objectContaining({ code: "validation_failed", message: expect.stringContaining("input.n") }));
    expect(() => parseJsonBody('{"reason":"stop\\u0000now"}')).toThrow(expect.objectContaining({ code: "validation_failed", message: expect.stringContaining("reason") }));
    expect(() => parseJsonBody('{"a":"\\ud800"}')).toThrow(expect.objectContaining({ code: "validation_failed" }));
  });
  it("refuses deep nesting before parsing it, brackets inside strings not counted", () => {
    expect(jsonTextTooDeep(`${"[".repeat(100_000)}${"]".repeat(100_000)}`)).toBe(true);
    expect(jsonTextTooDeep(JSON.stringify({ s: "[".repeat(1000), t: '{"\\"[' }))).toBe(false);
    expect(() => parseJsonBody(`${"[".repeat(65)}${"]".repeat(65)}`)).toThrow(expect.objectContaining({ code: "validation_failed" }));
    expect(parseJsonBody(`${"[".repeat(64)}${"]".repeat(64)}`)).toBeInstanceOf(Array);
  });
});

describe("findUndecodableTarget", () => {
  it("accepts proper %-encoding, + as space, bare % in no position that decodes", () => {
    for (const ok of ["/api/audit", "/api/audit?q=caf%C3%A9+au+lait&limit=5", "/api/agents/agt_1?", "/api/x?flag", "/api/x?a=&b=1"]) expect(findUndecodableTarget(ok), ok).toBeNull();
  });
  it("refuses %00 and %-encoding that isn't UTF-8, in the path, a name or a value", () => {
    expect(findUndecodableTarget("/api/audit?q=%00")).toMatchObject({ path: "query.q" });
    expect(findUndecodableTarget("/api/audit?q=%E0%A4%A")).toMatchObject({ path: "query.q" });
    expect(findUndecodableTarget("/api/audit?%ff=1")).toMatchObject({ path: "query" });
    expect(findUndecodableTarget("/api/agents/%00")).toMatchObject({ path: "(path)" });
    expect(findUndecodableTarget("/api/agents/%zz/keys")).toMatchObject({ path: "(path)" });
    expect(findUndecodableTarget("/api/agents/%ED%A0%80")).toMatchObject({ path: "(path)" }); // an encoded lone surrogate
  });
});
