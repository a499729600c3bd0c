import { createPrivateKey, createPublicKey, generateKeyPairSync, type KeyObject } from "node:crypto";
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { keyIdOf, rawPublicKey } from "./key-id.ts";
import { parsePrivateKey, parsePublicKeyList } from "./parse-key.ts";
import { SIGNING_PURPOSES, type SigningPurpose } from "./purposes.ts";

/** A public key as `/api/keys/<purpose>` publishes it: a JWK (RFC 7517/8037) plus its state. */
export type PublishedKey = {
  kid: string;
  kty: "OKP";
  crv: "Ed25519";
  /** The raw 32-byte public key, base64url. */
  x: string;
  alg: "EdDSA";
  use: "sig";
  status: "current" | "retired";
  createdAt: string | null;
  retiredAt: string | null;
};

/** One purpose's keys: the one that signs now (if any) and every public key that verifies. */
export type KeyRing = {
  purpose: SigningPurpose;
  /** Where the current key came from: the environment, the data directory, or nowhere yet. */
  source: "env" | "data-dir" | "none";
  current: { kid: string; privateKey: KeyObject; publicKey: KeyObject } | null;
  /** Current first, then retired ones, newest first. */
  published: PublishedKey[];
  /** kid → public key, for verification: exactly the published keys. */
  trusted: Map<string, KeyObject>;
  /** The data directory's key ring file for this purpose (whether or not it exists). */
  file: string;
};

/** The key ring file (`<WARDEN_DATA_DIR>/keys/<purpose>.json`, mode 600). */
type KeyFile = {
  version: 1;
  current: { privateKey: string; createdAt: string };
  retired: { kid: string; x: string; createdAt: string | null; retiredAt: string }[];
};

const cache = new Map<SigningPurpose, { stamp: string; ring: KeyRing }>();

function keyFilePath(purpose: SigningPurpose): string {
  return path.resolve(process.env.WARDEN_DATA_DIR ?? ".data", "keys", SIGNING_PURPOSES[purpose].file);
}

// A rotation replaces the file by rename: a new inode, whatever the clock's resolution. One
// stat, no separate existence check: this runs before every signature (receipts: every decision).
function fileStamp(file: string): string {
  const st = statSync(file, { throwIfNoEntry: false });
  return st ? `${st.ino}:${st.mtimeMs}:${st.size}` : "-";
}

function publicKeyOf(x: string): KeyObject {
  return createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x }, format: "jwk" });
}

function published(publicKey: KeyObject, status: PublishedKey["status"], createdAt: string | null, retiredAt: string | null): PublishedKey {
  return { kid: keyIdOf(publicKey), kty: "OKP", crv: "Ed25519", x: rawPublicKey(publicKey), alg: "EdDSA", use: "sig", status, createdAt, retiredAt };
}

function readKeyFile(file: string): KeyFile {
  let doc: KeyFile;
  try {
    doc = JSON.parse(readFileSync(file, "utf8")) as KeyFile;
  } catch (err) {
    throw new Error(`the key ring ${file} can't be read: ${(err as Error).message}`);
  }
  if (doc?.version !== 1 || typeof doc.current?.privateKey !== "string" || !Array.isArray(doc.retired)) throw new Error(`the key ring ${file} is not a Warden key ring`);
  return doc;
}

function writeKeyFile(file: string, doc: KeyFile, exclusive: boolean): void {
  mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const text = `${JSON.stringify(doc, null, 2)}\n`;
  if (exclusive) {
    writeFileSync(file, text, { mode: 0o600, flag: "wx" }); // EEXIST when another process made it first
  } else {
    const tmp = `${file}.${process.pid}.tmp`;
    writeFileSync(tmp, text, { mode: 0o600 });
    renameSync(tmp, file); // atomic: a reader sees the old ring or the new one
  }
  chmodSync(file, 0o600);
}

function newKeyFile(): KeyFile {
  const { privateKey } = generateKeyPairSync("ed25519");
  return { version: 1, current: { privateKey: privateKey.export({ format: "der", type: "pkcs8" }).toString("base64"), createdAt: new Date().toISOString() }, retired: [] };
}

/**
 * The key ring of `purpose`, from the environment and the data directory (never the
 * database: whoever can write the database must not be able to sign or to add a trusted key).
 *
 * - `WARDEN_<PURPOSE>_KEY` set: it signs. Keys of the data directory's ring, if there is one,
 *   stay published as retired (what they signed before still verifies).
 * - else the data directory's ring `keys/<purpose>.json`: its current key signs, its retired
 *   ones are published.
 * - `WARDEN_<PURPOSE>_PUBLIC_KEYS` adds earlier public keys (a rotation done by environment).
 *
 * Re-read when the environment or the file changes (a rotation by `npm run keys` reaches a
 * running instance). Throws Error with a readable message on a malformed key or file.
 */
export function keyRing(purpose: SigningPurpose): KeyRing {
  const spec = SIGNING_PURPOSES[purpose];
  const file = keyFilePath(purpose);
  const envKey = process.env[spec.env]?.trim() || undefined;
  const envPublic = process.env[spec.publicEnv]?.trim() || undefined;
  const stamp = `${envKey ?? ""}\u0000${envPublic ?? ""}\u0000${file}\u0000${fileStamp(file)}`;
  const hit = cache.get(purpose);
  if (hit?.stamp === stamp) return hit.ring;

  const fromFile = existsSync(file) ? readKeyFile(file) : null;
  const filePrivate = fromFile ? createPrivateKey({ key: Buffer.from(fromFile.current.privateKey, "base64"), format: "der", type: "pkcs8" }) : null;
  let current: KeyRing["current"] = null;
  let source: KeyRing["source"] = "none";
  const retired: PublishedKey[] = [];
  if (envKey) {
    const privateKey = parsePrivateKey(envKey, spec.env);
    const publicKey = createPublicKey(privateKey);
    current = { kid: keyIdOf(publicKey), privateKey, publicKey };
    source = "env";
    if (filePrivate) retired.push(published(createPublicKey(filePrivate), "retired", fromFile!.current.createdAt, null));
  } else if (filePrivate) {
    const publicKey = createPublicKey(filePrivate);
    current = { kid: keyIdOf(publicKey), privateKey: filePrivate, publicKey };
    source = "data-dir";
  }
  for (const r of fromFile?.retired ?? []) retired.push(published(publicKeyOf(r.x), "retired", r.createdAt, r.retiredAt));
  if (envPublic) for (const k of parsePublicKeyList(envPublic, spec.publicEnv)) retired.push(published(k, "retired", null, null));

  const list: PublishedKey[] = current ? [published(current.publicKey, "current", envKey ? null : fromFile!.current.createdAt, null)] : [];
  for (const r of retired) if (!list.some((k) => k.kid === r.kid)) list.push(r);
  const trusted = new Map(list.map((k) => [k.kid, publicKeyOf(k.x)]));
  const ring: KeyRing = { purpose, source, current, published: list, trusted, file };
  cache.set(purpose, { stamp, ring });
  return ring;
}

/**
 * Makes sure `purpose` has a key that signs: the environment's, or the data directory's ring,
 * generated (Ed25519, node:crypto) on first use. Called when an instance starts serving;
 * command-line tools don't generate keys (a key made beside the server would sign what the
 * server doesn't publish). Safe when several processes share the data directory.
 */
export function ensureSigningKey(purpose: SigningPurpose): KeyRing {
  const ring = keyRing(purpose);
  if (ring.current) return ring;
  try {
    writeKeyFile(ring.file, newKeyFile(), true);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  return keyRing(purpose);
}

/**
 * Rotates the data directory's key of `purpose`: a new key signs from now on; the old one
 * stays published (retired), so what it signed keeps verifying. Running instances pick the
 * new ring up at their next signature. With `WARDEN_<PURPOSE>_KEY` set, rotation is done by
 * changing that variable (and listing the old public key in `WARDEN_<PURPOSE>_PUBLIC_KEYS`),
 * so this throws Error saying so.
 */
export function rotateSigningKey(purpose: SigningPurpose): { previous: string | null; current: string } {
  const spec = SIGNING_PURPOSES[purpose];
  if (process.env[spec.env]?.trim()) {
    throw new Error(`${spec.env} is set: rotate by setting a new key there and adding the old public key to ${spec.publicEnv}`);
  }
  const file = keyFilePath(purpose);
  if (!existsSync(file)) return { previous: null, current: ensureSigningKey(purpose).current!.kid };
  const old = readKeyFile(file);
  const oldPublic = createPublicKey(createPrivateKey({ key: Buffer.from(old.current.privateKey, "base64"), format: "der", type: "pkcs8" }));
  const next = newKeyFile();
  next.retired = [{ kid: keyIdOf(oldPublic), x: rawPublicKey(oldPublic), createdAt: old.current.createdAt, retiredAt: next.current.createdAt }, ...old.retired];
  writeKeyFile(file, next, false);
  cache.delete(purpose);
  return { previous: keyIdOf(oldPublic), current: keyRing(purpose).current!.kid };
}
