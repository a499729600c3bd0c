import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_REDACTION_RULES, redactDocument, redactionMarker } from "../../lib/redaction/index.ts";
import { NEGATIVES, POSITIVES, SEQUENCES, type PositiveCase, type SequenceCase } from "../fixtures/pii-corpus.ts";

// The corpus gate: every positive redacted exactly (the value's original characters replaced by
// its marker, nothing else touched), no negative touched. `npm run pii:corpus` prints the same
// corpus as recall and precision per kind.
const key = new TextEncoder().encode("pii-corpus-test-key");
const rules = DEFAULT_REDACTION_RULES;
const before = process.env.WARDEN_PHONE_REGION;

function setRegions(regions: string | undefined) {
  if (regions === undefined) delete process.env.WARDEN_PHONE_REGION;
  else process.env.WARDEN_PHONE_REGION = regions;
}
afterEach(() => setRegions(before));

const fill = (template: string, value: string) => template.split("{}").join(value);
const seqText = (c: SequenceCase, marker?: (kind: PositiveCase["kind"], value: string) => string) =>
  c.parts.map((part) => (typeof part === "string" ? part : marker ? marker(part[0], part[1]) : part[1])).join("");
const label = (c: PositiveCase) => `${c.kind} ${JSON.stringify(fill(c.template, c.value))}${c.regions ? ` (region ${c.regions})` : ""}`;

describe("PII corpus", () => {
  it("has at least 200 positive and 200 negative strings, every kind well represented", () => {
    expect(POSITIVES.length).toBeGreaterThanOrEqual(200);
    expect(NEGATIVES.length).toBeGreaterThanOrEqual(200);
    for (const kind of ["email", "phone", "card", "iban"] as const) expect(POSITIVES.filter((c) => c.kind === kind).length).toBeGreaterThanOrEqual(40);
    for (const c of POSITIVES) expect(c.template.split("{}").length, c.template).toBe(2);
  });

  it.each(POSITIVES.map((c) => [label(c), c] as const))("redacts %s exactly", (_, c) => {
    setRegions(c.regions);
    const text = fill(c.template, c.value);
    const marker = redactionMarker(c.kind, c.value, key);
    if (c.same !== undefined) expect(redactionMarker(c.kind, c.same, key), "both spellings get one marker").toBe(marker);
    const r = redactDocument("input", { s: text }, rules, key);
    expect(r.value).toEqual({ s: fill(c.template, marker) });
    expect(r.redactions).toEqual([{ kind: c.kind, path: "input.s" }]);
  });

  it.each(SEQUENCES.map((c) => [`${JSON.stringify(seqText(c))}${c.regions ? ` (region ${c.regions})` : ""}`, c] as const))("redacts every value of %s", (_, c) => {
    setRegions(c.regions);
    const r = redactDocument("input", { s: seqText(c) }, rules, key);
    expect(r.value).toEqual({ s: seqText(c, (kind, value) => redactionMarker(kind, value, key)) });
    expect(r.redactions).toEqual(c.parts.filter((x) => typeof x !== "string").map(([kind]) => ({ kind, path: "input.s" })));
  });

  it.each(NEGATIVES.map((c) => [`${c.why}: ${JSON.stringify(c.text)}`, c] as const))("leaves %s alone", (_, c) => {
    setRegions(c.regions);
    const doc = { s: c.text };
    const r = redactDocument("input", doc, rules, key);
    expect(r.value).toBe(doc);
    expect(r.redactions).toEqual([]);
  });
});
