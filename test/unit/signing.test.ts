import { createPublicKey, generateKeyPairSync } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureSigningKey, keyIdOf, keyRing, parsePrivateKey, parsePublicKeyList, publishedKeys, rotateSigningKey, signDocument, verifyDocument } from "../../lib/signing/index.ts";
import { readEnv } from "../../lib/config/index.ts";

const ENV = ["WARDEN_DATA_DIR", "WARDEN_CHECKPOINT_KEY", "WARDEN_CHECKPOINT_PUBLIC_KEYS"] as const;
let dir: string;
let saved: Record<string, string | undefined>;

beforeEach(() => {
  saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
  for (const k of ENV) delete process.env[k];
  dir = mkdtempSync(path.join(os.tmpdir(), "warden-signing-"));
  process.env.WARDEN_DATA_DIR = dir;
});
afterEach(() => {
  for (const k of ENV) if (saved[k] === undefined) delete process.env[k];
  else process.env[k] = saved[k];
  rmSync(dir, { recursive: true, force: true });
});

const pkcs8 = (k: ReturnType<typeof generateKeyPairSync>["privateKey"]) => k.export({ format: "der", type: "pkcs8" }).toString("base64");

describe("signing keys", () => {
  it("key ids are RFC 7638 JWK thumbprints (RFC 8037 appendix A.3's example key)", () => {
    const key = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo" }, format: "jwk" });
    expect(keyIdOf(key)).toBe("kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k");
  });

  it("has no key until one is ensured; then generates one into the data directory, mode 600, and keeps it", () => {
    expect(keyRing("checkpoints")).toMatchObject({ source: "none", current: null, published: [] });
    expect(() => signDocument("checkpoints", { a: 1 })).toThrow(/no checkpoints signing key/);
    const ring = ensureSigningKey("checkpoints");
    expect(ring).toMatchObject({ source: "data-dir", published: [{ status: "current", kty: "OKP", crv: "Ed25519", alg: "EdDSA" }] });
    expect(statSync(ring.file).mode & 0o777).toBe(0o600);
    expect(ring.file.startsWith(dir)).toBe(true);
    expect(ensureSigningKey("checkpoints").current!.kid).toBe(ring.current!.kid);
  });

  it("signs canonical JSON: any rendering verifies, any change or added member does not", () => {
    ensureSigningKey("checkpoints");
    const signed = signDocument("checkpoints", { b: [1, 2], a: "x" });
    expect(signed).toMatchObject({ alg: "EdDSA", keyId: keyRing("checkpoints").current!.kid, signature: expect.stringMatching(/^[A-Za-z0-9_-]{86}$/) });
    const reordered = JSON.parse(JSON.stringify({ signature: signed.signature, keyId: signed.keyId, alg: signed.alg, a: "x", b: [1, 2] })) as unknown;
    expect(verifyDocument("checkpoints", reordered)).toEqual({ ok: true, keyId: signed.keyId, status: "current" });
    expect(verifyDocument("checkpoints", { ...signed, a: "y" })).toMatchObject({ ok: false, reason: "bad_signature" });
    expect(verifyDocument("checkpoints", { ...signed, extra: true })).toMatchObject({ ok: false, reason: "bad_signature" });
    expect(verifyDocument("checkpoints", { ...signed, keyId: "someone-else" })).toMatchObject({ ok: false, reason: "unknown_key" });
    expect(verifyDocument("checkpoints", { a: "x" })).toMatchObject({ ok: false, reason: "malformed" });
    expect(verifyDocument("checkpoints", "text")).toMatchObject({ ok: false, reason: "malformed" });
  });

  it("rotation keeps the old public key published, so what it signed still verifies", () => {
    ensureSigningKey("checkpoints");
    const before = signDocument("checkpoints", { n: 1 });
    const { previous, current } = rotateSigningKey("checkpoints");
    expect(previous).toBe(before.keyId);
    expect(current).not.toBe(previous);
    expect(verifyDocument("checkpoints", before)).toEqual({ ok: true, keyId: previous, status: "retired" });
    expect(signDocument("checkpoints", { n: 2 }).keyId).toBe(current);
    expect(publishedKeys("checkpoints")).toMatchObject({ current, keys: [{ kid: current, status: "current" }, { kid: previous, status: "retired", retiredAt: expect.any(String) }] });
  });

  it("an env key wins over the data directory, whose key stays published as retired; earlier public keys come from WARDEN_CHECKPOINT_PUBLIC_KEYS", () => {
    ensureSigningKey("checkpoints");
    const oldSigned = signDocument("checkpoints", { n: 1 });
    const env = generateKeyPairSync("ed25519");
    const earlier = generateKeyPairSync("ed25519");
    process.env.WARDEN_CHECKPOINT_KEY = env.privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    process.env.WARDEN_CHECKPOINT_PUBLIC_KEYS = `${earlier.publicKey.export({ format: "jwk" }).x}`;
    const ring = keyRing("checkpoints");
    expect(ring.source).toBe("env");
    expect(ring.current!.kid).toBe(keyIdOf(env.publicKey));
    expect(ring.published.map((k) => [k.kid, k.status])).toEqual([
      [keyIdOf(env.publicKey), "current"],
      [oldSigned.keyId, "retired"],
      [keyIdOf(earlier.publicKey), "retired"],
    ]);
    expect(verifyDocument("checkpoints", oldSigned)).toMatchObject({ ok: true, status: "retired" });
    expect(() => rotateSigningKey("checkpoints")).toThrow(/WARDEN_CHECKPOINT_KEY is set/);
  });

  it("reads keys as operators write them, and refuses anything else at start-up with the variable's name", () => {
    const { privateKey, publicKey } = generateKeyPairSync("ed25519");
    const pem = privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    for (const text of [pem, pem.replace(/\n/g, "\\n"), pkcs8(privateKey), Buffer.from(pkcs8(privateKey), "base64").toString("base64url")]) {
      expect(keyIdOf(createPublicKey(parsePrivateKey(text, "K")))).toBe(keyIdOf(publicKey));
    }
    const spki = publicKey.export({ format: "der", type: "spki" }).toString("base64");
    const spkiPem = publicKey.export({ format: "pem", type: "spki" }).toString();
    expect(parsePublicKeyList(`${spki}, ${publicKey.export({ format: "jwk" }).x}\n${spkiPem}`, "K").map(keyIdOf)).toEqual([keyIdOf(publicKey), keyIdOf(publicKey), keyIdOf(publicKey)]);
    const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 }).privateKey.export({ format: "pem", type: "pkcs8" }).toString();
    expect(() => parsePrivateKey(rsa, "WARDEN_CHECKPOINT_KEY")).toThrow(/WARDEN_CHECKPOINT_KEY is a rsa key/);
    expect(() => readEnv({ WARDEN_CHECKPOINT_KEY: "not a key" })).toThrow(/WARDEN_CHECKPOINT_KEY: WARDEN_CHECKPOINT_KEY is not an Ed25519 private key/);
    expect(() => readEnv({ WARDEN_CHECKPOINT_PUBLIC_KEYS: "abc,def" })).toThrow(/WARDEN_CHECKPOINT_PUBLIC_KEYS/);
    expect(readEnv({ WARDEN_CHECKPOINT_KEY: pkcs8(privateKey) }).WARDEN_CHECKPOINT_KEY).toBe(pkcs8(privateKey));
  });
});
