/**
 * Secrets: bearer secrets (agent keys, API tokens) issued with 256 random bits and stored as
 * SHA-256; passwords hashed with argon2id (@node-rs/argon2); constant-time comparison.
 */
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { hash as argon2Hash, verify as argon2Verify } from "@node-rs/argon2";

/**
 * Bearer secrets (agent keys `wdn_…`, API tokens `wdt_…`) carry 256 random bits, so a
 * plain SHA-256 is the right lookup hash: no KDF can make them harder to guess, and it keeps
 * the data plane's key check to a single index lookup. Passwords are low-entropy and get
 * argon2id.
 */
export type IssuedSecret = { secret: string; hash: string; prefix: string };

export function issueSecret(kind: "wdn" | "wdt"): IssuedSecret {
  const secret = `${kind}_${randomBytes(32).toString("base64url")}`;
  return { secret, hash: hashSecret(secret), prefix: secret.slice(0, 10) };
}

export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane).
const ARGON2 = { memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

export function hashPassword(password: string): Promise<string> {
  return argon2Hash(password, ARGON2);
}

export async function verifyPassword(hash: string, password: string): Promise<boolean> {
  try {
    return await argon2Verify(hash, password);
  } catch {
    return false;
  }
}

// Spend the same time whether or not the account exists, so timing does not reveal it.
let dummyHash: Promise<string> | undefined;
export async function burnPasswordCheck(password: string): Promise<void> {
  dummyHash ??= hashPassword("warden-timing-equaliser");
  await verifyPassword(await dummyHash, password);
}

export function generatePassword(): string {
  // 18 random bytes → 24 URL-safe characters.
  return randomBytes(18).toString("base64url");
}

export function safeEqual(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
