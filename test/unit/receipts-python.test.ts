// The Python SDK's receipt verification (sdk/python/warden/receipts.py: pure-Python Ed25519 and
// RFC 8785) on receipts signed by Warden's own code, compared with the TypeScript SDK's answers.
// Needs python3 (skipped without it, except in CI where that is a failure, as test:python does).
import { execFileSync, spawnSync } from "node:child_process";
import { generateKeyPairSync, sign } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueReceipt, deriveReceipt, type Receipt } from "../../lib/receipts/index.ts";
import { ensureSigningKey, keyIdOf, keysDocument, rotateSigningKey } from "../../lib/signing/index.ts";
import { canonicalJson, inputHash, verifyReceipt } from "../../sdk/src/index.ts";

const root = path.resolve(import.meta.dirname, "../..");
const python = process.env.PYTHON ?? "python3";
const hasPython = spawnSync(python, ["-c", "import sys; sys.exit(0 if sys.version_info >= (3, 9) else 1)"]).status === 0;
const ci = process.env.CI === "true" || process.env.CI === "1";
if (!hasPython && ci) throw new Error(`${python} ≥ 3.9 is required in CI for the Python SDK's receipt checks`);

let dir: string;
const saved = { dataDir: process.env.WARDEN_DATA_DIR, key: process.env.WARDEN_RECEIPT_KEY };
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "warden-receipts-py-"));
  process.env.WARDEN_DATA_DIR = dir;
  delete process.env.WARDEN_RECEIPT_KEY;
});
afterAll(() => {
  if (saved.dataDir === undefined) delete process.env.WARDEN_DATA_DIR;
  else process.env.WARDEN_DATA_DIR = saved.dataDir;
  if (saved.key !== undefined) process.env.WARDEN_RECEIPT_KEY = saved.key;
  rmSync(dir, { recursive: true, force: true });
});

// What Python answers for each case: the verification, its canonical JSON of the payload, and the input hash.
const PY = `
import json, sys
sys.path.insert(0, "sdk/python")
from warden.receipts import canonical_json, input_hash, verify_receipt
doc = json.load(open(sys.argv[1], encoding="utf-8"))
out = []
for case in doc["cases"]:
    check = verify_receipt(case["receipt"], doc["keys"])
    p = case["receipt"].get("payload") if isinstance(case["receipt"], dict) else None
    out.append({"ok": check.ok, "reason": check.reason, "keyStatus": check.key_status,
                "canonical": canonical_json(p) if isinstance(p, dict) else None,
                "inputHash": input_hash(case["input"])})
print(json.dumps(out))
`;

const inputs: Record<string, unknown>[] = [
  { sku: "LUX-1", price: 120.5, currency: "EUR", tags: ["flagship", "spring"] },
  { nested: { deep: [1, 2.5, { k: "v" }], empty: {}, list: [] }, flag: true, none: null },
  { "\u20ac": "euro", "\ud83d\ude00": "grin", "\ufb33": "dalet", é: "accent", "\r": "cr", big: 12345678901234567890, tiny: 1e-7, huge: 1e21, third: 1 / 3, negZero: -0 },
  { note: "quote \" backslash \\ tab \t control \u0001 line-sep \u2028 crème brûlée 日本語" },
  {},
];

describe.skipIf(!hasPython)("the Python SDK verifies receipts Warden signs, as the TypeScript SDK does", () => {
  it("agrees on every valid, tampered, foreign and rotated receipt, on canonical JSON and on input hashes", async () => {
    ensureSigningKey("receipts");
    const at = new Date("2026-11-29T12:00:00.000Z");
    const receipts: { receipt: unknown; input: unknown }[] = inputs.map((input, i) => ({
      input,
      receipt: issueReceipt({
        actionId: `act_${i}`,
        agentId: "agt_py",
        action: "pricing.set_price",
        resource: i === 2 ? "sku:ünïcode-€" : `sku:${i}`,
        input,
        decision: i % 2 ? "deny" : "allow",
        status: i % 2 ? "denied" : "allowed",
        policyVersions: [{ policyId: "pol_a", version: 2, matched: i % 2 === 1 }],
        knowledge: [{ set: "price-floors", version: 4 }],
        at,
      }),
    }));
    const pending = issueReceipt({ actionId: "act_p", agentId: "agt_py", action: "orders.refund", resource: "", input: { amount: 900 }, decision: "pending", status: "pending", policyVersions: [], knowledge: [], at });
    const approved = deriveReceipt(pending, { decision: "allow", status: "approved", approvers: [{ userId: "usr_1", email: "zoë@example.com" }], time: "2026-11-29T12:03:00.000Z" });
    receipts.push({ receipt: approved, input: { amount: 900 } });
    rotateSigningKey("receipts");
    receipts.push({ receipt: issueReceipt({ actionId: "act_new", agentId: "agt_py", action: "x.y", resource: "", input: {}, decision: "allow", status: "allowed", policyVersions: [], knowledge: [], at: new Date() }), input: {} });
    const first = receipts[0]!.receipt as Receipt;
    const tampered: unknown[] = [
      { ...first, payload: { ...first.payload, resource: "sku:other" } },
      { ...first, payload: { ...first.payload, status: "approved" } },
      { ...first, payload: { ...first.payload, inputHash: "0".repeat(64) } },
      // A middle character: all six of its bits are signature (the last one's two low bits are padding).
      { ...first, signature: `${first.signature.slice(0, 40)}${first.signature[40] === "A" ? "g" : "A"}${first.signature.slice(41)}` },
      { ...first, kid: "unknown-kid" },
      { ...first, alg: "EdDSA" },
      { ...first, payload: { ...first.payload, v: 2 } },
      "not a receipt",
    ];
    // A retired key that leaked: what it signs dated up to RETIRED_KEY_GRACE_MS (2 min) after its
    // validUntil verifies, a millisecond later it is key_retired — in both SDKs.
    const leaked = generateKeyPairSync("ed25519");
    const retiredKey = { kid: keyIdOf(leaked.publicKey), alg: "Ed25519", publicKey: leaked.publicKey.export({ format: "jwk" }).x!, validFrom: "2026-01-01T00:00:00.000Z", validUntil: "2026-06-01T00:00:00.000Z", status: "retired" };
    const signedByLeaked = (time: string) => {
      const payload = { ...first.payload, time };
      return { kid: retiredKey.kid, alg: "Ed25519", payload, signature: sign(null, Buffer.from(canonicalJson(payload)), leaked.privateKey).toString("base64url") };
    };
    const late = [signedByLeaked("2026-06-01T00:02:00.000Z"), signedByLeaked("2026-06-01T00:02:00.001Z")];
    const cases = [...receipts, ...tampered.map((receipt) => ({ receipt, input: {} })), ...late.map((receipt) => ({ receipt, input: {} }))];
    const keys = { keys: [...keysDocument("receipts").keys, retiredKey] };
    const file = path.join(dir, "cases.json");
    writeFileSync(file, JSON.stringify({ keys, cases }));
    const py = JSON.parse(execFileSync(python, ["-c", PY, file], { cwd: root, encoding: "utf8" })) as { ok: boolean; reason: string | null; keyStatus: string | null; canonical: string | null; inputHash: string }[];

    expect(py).toHaveLength(cases.length);
    for (const [i, c] of cases.entries()) {
      const ts = await verifyReceipt(c.receipt, keys as never);
      const p = (c.receipt as { payload?: unknown })?.payload;
      expect({ i, ok: py[i]!.ok, reason: py[i]!.reason, keyStatus: py[i]!.keyStatus }).toEqual({ i, ok: ts.ok, reason: ts.ok ? null : ts.reason, keyStatus: ts.ok ? ts.keyStatus : null });
      if (p && typeof p === "object") expect(py[i]!.canonical).toBe(canonicalJson(p));
      expect(py[i]!.inputHash).toBe(await inputHash(c.input));
    }
    // The valid ones are valid, and the input hashes are the ones signed.
    expect(py.slice(0, receipts.length).map((r) => [r.ok, r.keyStatus])).toEqual([...Array(receipts.length - 1).fill([true, "retired"]), [true, "current"]]);
    for (const [i, c] of receipts.entries()) expect(py[i]!.inputHash).toBe((c.receipt as Receipt).payload.inputHash);
    expect(py.slice(receipts.length, receipts.length + tampered.length).map((r) => r.reason)).toEqual(["bad_signature", "bad_signature", "bad_signature", "bad_signature", "unknown_key", "unsupported_alg", "malformed", "malformed"]);
    expect(py.slice(receipts.length + tampered.length).map((r) => [r.ok, r.reason, r.keyStatus])).toEqual([
      [true, null, "retired"],
      [false, "key_retired", null],
    ]);
  }, 60_000);
});
