import { createPrivateKey, createPublicKey, type KeyObject } from "node:crypto";

const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/**
 * Reads an Ed25519 private key as an operator writes it into an environment variable:
 * PKCS#8 PEM (`openssl genpkey -algorithm ed25519`), or that key's DER in base64 or base64url
 * (`openssl genpkey -algorithm ed25519 -outform DER | base64 -w0`, or `npm run keys -- generate`).
 * Throws Error naming `name` when the text is not such a key.
 */
export function parsePrivateKey(text: string, name: string): KeyObject {
  const t = text.trim();
  let key: KeyObject;
  try {
    key = t.startsWith("-----BEGIN")
      ? createPrivateKey({ key: t.replace(/\\n/g, "\n"), format: "pem" })
      : createPrivateKey({ key: decodeBase64(t), format: "der", type: "pkcs8" });
  } catch {
    throw new Error(`${name} is not an Ed25519 private key (PKCS#8 PEM, or its DER in base64)`);
  }
  if (key.asymmetricKeyType !== "ed25519") throw new Error(`${name} is a ${key.asymmetricKeyType ?? "unknown"} key; Warden signs with Ed25519`);
  return key;
}

/**
 * Reads one Ed25519 public key: the raw 32 bytes in base64url (a JWK's `x`, as
 * `/api/keys/<purpose>` publishes it), SPKI DER in base64, or SPKI PEM. Throws Error naming `name`.
 */
export function parsePublicKey(text: string, name: string): KeyObject {
  const t = text.trim();
  let key: KeyObject;
  try {
    if (t.startsWith("-----BEGIN")) key = createPublicKey({ key: t.replace(/\\n/g, "\n"), format: "pem" });
    else {
      const bytes = decodeBase64(t);
      key =
        bytes.length === 32
          ? createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: bytes.toString("base64url") }, format: "jwk" })
          : createPublicKey({ key: bytes, format: "der", type: "spki" });
    }
  } catch {
    throw new Error(`${name} holds something that is not an Ed25519 public key`);
  }
  if (key.asymmetricKeyType !== "ed25519") throw new Error(`${name} holds a ${key.asymmetricKeyType ?? "unknown"} key; Warden signs with Ed25519`);
  return key;
}

/** Public keys listed in one variable, separated by commas or white space (PEM blocks stay whole). */
export function parsePublicKeyList(text: string, name: string): KeyObject[] {
  const pems = text.match(/-----BEGIN PUBLIC KEY-----[\s\S]*?-----END PUBLIC KEY-----/g) ?? [];
  const rest = pems.reduce((t, p) => t.replace(p, " "), text);
  const others = rest.split(/[\s,]+/).filter(Boolean);
  return [...pems, ...others].map((k) => parsePublicKey(k, name));
}

function decodeBase64(t: string): Buffer {
  if (!BASE64.test(t)) throw new Error("not base64");
  return Buffer.from(t, t.includes("-") || t.includes("_") ? "base64url" : "base64");
}
