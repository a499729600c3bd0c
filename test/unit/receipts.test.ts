import { createHash, generateKeyPairSync, sign } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import canonicalize from "canonicalize";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { canonicalPayload, deriveReceipt, inputHash as serverInputHash, issueReceipt, openStoredReceipt, storedReceipt, type Receipt, type ReceiptPayload } from "../../lib/receipts/index.ts";
import { ensureSigningKey, keyIdOf, keysDocument, rotateSigningKey } from "../../lib/signing/index.ts";
import { canonicalJson, inputHash, RETIRED_KEY_GRACE_MS, verifyReceipt, type ReceiptKey } from "../../sdk/src/index.ts";

const ENV = ["WARDEN_DATA_DIR", "WARDEN_RECEIPT_KEY", "WARDEN_RECEIPT_PUBLIC_KEYS", "WARDEN_REDACTION_KEY", "NEXTAUTH_SECRET"] as const;
let dir: string;
let saved: Record<string, string | undefined>;

beforeEach(() => {
  saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
  for (const k of ENV) delete process.env[k];
  dir = mkdtempSync(path.join(os.tmpdir(), "warden-receipts-"));
  process.env.WARDEN_DATA_DIR = dir;
  process.env.NEXTAUTH_SECRET = "unit-test-secret-0123456789abcdefghijklmnop";
  ensureSigningKey("receipts");
});
afterEach(() => {
  for (const k of ENV) if (saved[k] === undefined) delete process.env[k];
  else process.env[k] = saved[k];
  rmSync(dir, { recursive: true, force: true });
});

const published = () => keysDocument("receipts") as { keys: ReceiptKey[] };

function issued(over: Partial<Parameters<typeof issueReceipt>[0]> = {}): Receipt {
  return issueReceipt({
    actionId: "act_0001",
    agentId: "agt_0001",
    action: "pricing.set_price",
    resource: "sku:LUX-1",
    input: { sku: "LUX-1", price: 120.5 },
    decision: "allow",
    status: "allowed",
    policyVersions: [{ policyId: "pol_1", version: 3, matched: false }],
    knowledge: [{ set: "price-floors", version: 7 }],
    at: new Date("2026-11-29T12:00:00.000Z"),
    ...over,
  });
}

describe("RFC 8785 canonical JSON (the SDK's canonicalJson)", () => {
  it("writes RFC 8785's own example (§3.2.2) exactly", () => {
    const input = { numbers: [333333333.33333329, 1e30, 4.5, 2e-3, 0.000000000000000000000000001], string: "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"/", literals: [null, true, false] };
    expect(canonicalJson(input)).toBe('{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}');
  });

  it("sorts members by UTF-16 code units (RFC 8785 §3.2.3's example)", () => {
    const input = { "\u20ac": "Euro Sign", "\r": "Carriage Return", "\ufb33": "Hebrew Letter Dalet With Dagesh", "1": "One", "\ud83d\ude00": "Emoji: Grinning Face", "\u0080": "Control", "\u00f6": "Latin Small Letter O With Diaeresis" };
    const order = [...canonicalJson(input).matchAll(/"([^"]+)":"[^"]+"/g)].map((m) => m[1]);
    expect(order).toEqual(["\\r", "1", "\u0080", "\u00f6", "\u20ac", "\ud83d\ude00", "\ufb33"]);
  });

  it.each([
    ["0000000000000000", "0"],
    ["8000000000000000", "0"],
    ["0000000000000001", "5e-324"],
    ["8000000000000001", "-5e-324"],
    ["7fefffffffffffff", "1.7976931348623157e+308"],
    ["ffefffffffffffff", "-1.7976931348623157e+308"],
    ["4340000000000000", "9007199254740992"],
    ["c340000000000000", "-9007199254740992"],
    ["4430000000000000", "295147905179352830000"],
    ["44b52d02c7e14af5", "9.999999999999997e+22"],
    ["44b52d02c7e14af6", "1e+23"],
    ["44b52d02c7e14af7", "1.0000000000000001e+23"],
    ["444b1ae4d6e2ef4e", "999999999999999700000"],
    ["444b1ae4d6e2ef4f", "999999999999999900000"],
    ["444b1ae4d6e2ef50", "1e+21"],
    ["3eb0c6f7a0b5ed8c", "9.999999999999997e-7"],
    ["3eb0c6f7a0b5ed8d", "0.000001"],
    ["41b3de4355555553", "333333333.3333332"],
    ["41b3de4355555554", "333333333.33333325"],
    ["41b3de4355555555", "333333333.3333333"],
    ["41b3de4355555556", "333333333.3333334"],
    ["41b3de4355555557", "333333333.33333343"],
    ["becbf647612f3696", "-0.0000033333333333333333"],
    ["43143ff3c1cb0959", "1424953923781206.2"],
  ])("writes the IEEE 754 double %s as %s (RFC 8785 appendix B)", (hex, text) => {
    expect(canonicalJson(Buffer.from(hex, "hex").readDoubleBE(0))).toBe(text);
  });

  it("agrees with the canonicalize package Warden signs with, on nested and Unicode-keyed documents", () => {
    const docs: unknown[] = [
      { b: [1, { z: null, a: -0 }], a: "x", "": true, é: 1e-7, e: 1e21, "\ud834\udd1e": "clef", "\ufffd": 0.1 + 0.2 },
      [[], {}, "", "tab\there", "quote\"back\\slash", "\u2028\u2029", "ctrl\u0001\u001f"],
      { price: 120.5, tags: ["b", "a"], nested: { deep: { deeper: [1, 2, { k: "v" }] } }, big: 12345678901234567890 },
    ];
    for (const d of docs) expect(canonicalJson(d)).toBe(canonicalize(d));
  });

  it("takes values as JSON would send them, and refuses what JSON can't hold", () => {
    expect(canonicalJson({ when: new Date("2026-01-02T03:04:05.000Z"), gone: undefined, list: [undefined] })).toBe('{"list":[null],"when":"2026-01-02T03:04:05.000Z"}');
    for (const bad of [NaN, Infinity, { a: -Infinity }, [1n], undefined]) expect(() => canonicalJson(bad)).toThrow(TypeError);
  });

  it("the SDK's inputHash is the server's: SHA-256 hex of the canonical JSON, {} for no input", async () => {
    const input = { sku: "LUX-1", price: 120.5, tags: ["b", "a"], note: "crème brûlée" };
    expect(await inputHash(input)).toBe(serverInputHash(input));
    expect(await inputHash(input)).toBe(createHash("sha256").update('{"note":"crème brûlée","price":120.5,"sku":"LUX-1","tags":["b","a"]}').digest("hex"));
    expect(await inputHash(undefined)).toBe(createHash("sha256").update("{}").digest("hex"));
  });
});

describe("the signer's canonical JSON of a payload", () => {
  it("is exactly what the generic RFC 8785 canonicaliser writes, for every shape of payload", () => {
    const base = issued().payload;
    const payloads: ReceiptPayload[] = [
      base,
      { ...base, policyVersions: [], knowledge: [], approvers: [], resource: "" },
      { ...base, resource: "customer:\"quoted\" \\ \u0001 €😀 דּ", action: "a.b", approvers: [{ userId: "usr_1", email: "zoë@example.com" }, { userId: "usr_2", email: "b@example.com" }] },
      { ...base, policyVersions: Array.from({ length: 30 }, (_, i) => ({ policyId: `pol_${i}`, version: i * 1000, matched: i % 2 === 0 })), knowledge: [{ set: "price-floors", version: 12 }, { set: "ünï", version: 1 }] },
    ];
    for (const p of payloads) expect(canonicalPayload(p)).toBe(canonicalize(p));
    // A member it doesn't know goes through the generic canonicaliser.
    const extended = { ...base, approvedInputHash: "f".repeat(64) } as unknown as ReceiptPayload;
    expect(canonicalPayload(extended)).toBe(canonicalize(extended));
  });
});

describe("verifying a receipt offline (the SDK's verifyReceipt)", () => {
  it("a receipt Warden issued verifies with its published keys, as the document or its key list", async () => {
    const r = issued();
    expect(r).toMatchObject({ alg: "Ed25519", kid: published().keys[0]!.kid, payload: { type: "warden.decision.receipt", v: 1, approvers: [], time: "2026-11-29T12:00:00.000Z" } });
    expect(await verifyReceipt(r, published())).toEqual({ ok: true, kid: r.kid, payload: r.payload, keyStatus: "current" });
    expect(await verifyReceipt(JSON.parse(JSON.stringify(r)), published().keys)).toMatchObject({ ok: true });
  });

  it("is deterministic: the same payload under the same key is the same receipt", () => {
    expect(issued()).toEqual(issued());
  });

  const tampered: [string, unknown][] = [
    ["actionId", "act_0002"],
    ["agentId", "agt_0002"],
    ["action", "pricing.delete"],
    ["resource", "sku:LUX-2"],
    ["inputHash", "0".repeat(64)],
    ["decision", "deny"],
    ["status", "approved"],
    ["policyVersions", [{ policyId: "pol_1", version: 4, matched: false }]],
    ["knowledge", [{ set: "price-floors", version: 8 }]],
    ["approvers", [{ userId: "usr_1", email: "mallory@example.com" }]],
    ["time", "2026-11-29T12:00:00.001Z"],
    ["extra", "an added member"],
  ];
  it.each(tampered)("any change to the payload's %s fails with bad_signature", async (field, value) => {
    const r = issued();
    const check = await verifyReceipt({ ...r, payload: { ...r.payload, [field]: value } }, published());
    expect(check).toMatchObject({ ok: false, reason: "bad_signature", kid: r.kid });
    expect(check.ok === false && check.message).toMatch(/altered or signed by another key/);
  });

  it("names why a receipt is malformed, foreign or forged", async () => {
    const r = issued();
    const keys = published();
    const other = generateKeyPairSync("ed25519");
    const otherKey: ReceiptKey = { kid: keyIdOf(other.publicKey), alg: "Ed25519", publicKey: other.publicKey.export({ format: "jwk" }).x!, validFrom: null, validUntil: null };
    const flip = (s: string) => `${s.slice(0, 10)}${s[10] === "A" ? "g" : "A"}${s.slice(11)}`;
    const cases: [unknown, unknown, string][] = [
      ["not a receipt", keys, "malformed"],
      [{ ...r, kid: undefined }, keys, "malformed"],
      [{ ...r, payload: { ...r.payload, type: "warden.audit.checkpoint" } }, keys, "malformed"],
      [{ ...r, signature: r.signature.slice(0, 40) }, keys, "malformed"],
      [{ ...r, alg: "EdDSA" }, keys, "unsupported_alg"],
      [{ ...r, signature: flip(r.signature) }, keys, "bad_signature"],
      [r, { keys: [otherKey] }, "unknown_key"], // another Warden's keys
      [r, { keys: [{ ...otherKey, kid: r.kid }] }, "bad_signature"], // a key published under this kid, but not the one that signed
      [{ ...r, kid: otherKey.kid }, { keys: [...keys.keys, otherKey] }, "bad_signature"],
      [r, { keys: [{ ...keys.keys[0]!, publicKey: "c2hvcnQ" }] }, "unknown_key"],
    ];
    for (const [receipt, k, reason] of cases) expect(await verifyReceipt(receipt, k as never)).toMatchObject({ ok: false, reason });
  });

  it("a receipt signed by another key pair under a copied payload fails", async () => {
    const r = issued();
    const other = generateKeyPairSync("ed25519");
    const forged = { ...r, signature: sign(null, Buffer.from(canonicalJson(r.payload)), other.privateKey).toString("base64url") };
    expect(await verifyReceipt(forged, published())).toMatchObject({ ok: false, reason: "bad_signature" });
  });

  it("after a rotation, receipts of the retired key still verify; one dated after its validUntil (and the grace) does not", async () => {
    const before = issued();
    const { previous, current } = rotateSigningKey("receipts");
    expect(previous).toBe(before.kid);
    const after = issued({ actionId: "act_0003" });
    expect(after.kid).toBe(current);
    const keys = published();
    expect(keys.keys.map((k) => [k.kid, k.status, k.validUntil === null])).toEqual([
      [current, "current", true],
      [previous, "retired", false],
    ]);
    expect(await verifyReceipt(before, keys)).toMatchObject({ ok: true, keyStatus: "retired" });
    expect(await verifyReceipt(after, keys)).toMatchObject({ ok: true, keyStatus: "current" });

    // A leaked retired key can't sign fresh receipts: dated after its retirement (beyond the two
    // minutes instances may take to notice a rotation), they fail.
    expect(RETIRED_KEY_GRACE_MS).toBe(120_000);
    const leaked = generateKeyPairSync("ed25519");
    const retired: ReceiptKey = { kid: keyIdOf(leaked.publicKey), alg: "Ed25519", publicKey: leaked.publicKey.export({ format: "jwk" }).x!, validFrom: "2026-01-01T00:00:00.000Z", validUntil: "2026-06-01T00:00:00.000Z" };
    const payload = { ...before.payload, time: "2026-06-01T00:02:00.001Z" };
    const late = { kid: retired.kid, alg: "Ed25519", payload, signature: sign(null, Buffer.from(canonicalJson(payload)), leaked.privateKey).toString("base64url") };
    expect(await verifyReceipt(late, { keys: [retired] })).toMatchObject({ ok: false, reason: "key_retired" });
    const inTime = { ...late, payload: { ...payload, time: "2026-06-01T00:02:00.000Z" } };
    inTime.signature = sign(null, Buffer.from(canonicalJson(inTime.payload)), leaked.privateKey).toString("base64url");
    expect(await verifyReceipt(inTime, { keys: [retired] })).toMatchObject({ ok: true, keyStatus: "retired" });
  });

  it("a key given by environment signs; the data directory's key stays published as retired", async () => {
    const before = issued();
    const env = generateKeyPairSync("ed25519");
    process.env.WARDEN_RECEIPT_KEY = env.privateKey.export({ format: "der", type: "pkcs8" }).toString("base64");
    const after = issued();
    expect(after.kid).toBe(keyIdOf(env.publicKey));
    const keys = published();
    expect(keys.keys[0]).toMatchObject({ kid: after.kid, status: "current", validFrom: null, validUntil: null });
    expect(await verifyReceipt(before, keys)).toMatchObject({ ok: true, keyStatus: "retired" });
    expect(await verifyReceipt(after, keys)).toMatchObject({ ok: true, keyStatus: "current" });
  });
});

describe("the stored receipt", () => {
  it("is sealed when asked: opened only for its own action, unaltered, under the same redaction key", () => {
    const r = issued();
    expect(storedReceipt(r, "act_0001", false)).toBe(r);
    const sealed = storedReceipt(r, "act_0001", true) as { sealed: string };
    expect(Object.keys(sealed)).toEqual(["sealed"]);
    expect(sealed.sealed).not.toContain(r.payload.inputHash);
    expect(openStoredReceipt(sealed, "act_0001")).toEqual(r);
    expect(openStoredReceipt(JSON.parse(JSON.stringify(r)), "act_0001")).toEqual(r);
    expect(openStoredReceipt(JSON.stringify(sealed), "act_0001")).toEqual(r); // the column's text
    expect(() => openStoredReceipt(sealed, "act_0002")).toThrow(/can't be opened/);
    const body = sealed.sealed.slice(3);
    const altered = `v1.${body.slice(0, 30)}${body[30] === "A" ? "B" : "A"}${body.slice(31)}`;
    expect(() => openStoredReceipt({ sealed: altered }, "act_0001")).toThrow(/can't be opened/);
    process.env.WARDEN_REDACTION_KEY = "another-redaction-key-0123456789abcdefghij";
    expect(() => openStoredReceipt(sealed, "act_0001")).toThrow(/can't be opened/);
    expect(() => openStoredReceipt({ something: "else" }, "act_0001")).toThrow(/not a stored receipt/);
  });

  it("a new status is derived only from a receipt Warden's keys verify", async () => {
    const r = issued({ decision: "pending", status: "pending" });
    const change = { decision: "allow", status: "approved", approvers: [{ userId: "usr_1", email: "a@example.com" }], time: "2026-11-29T12:05:00.000Z" } as const;
    const approved = deriveReceipt(r, { ...change, approvers: [...change.approvers] });
    expect(await verifyReceipt(approved, published())).toMatchObject({ ok: true, payload: { ...r.payload, ...change } });
    expect(() => deriveReceipt({ ...r, payload: { ...r.payload, inputHash: "0".repeat(64) } }, { decision: "allow", status: "approved", approvers: [], time: r.payload.time })).toThrow(/does not verify \(bad_signature\)/);
  });
});
