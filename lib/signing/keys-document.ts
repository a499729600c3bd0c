import { keyRing } from "./key-ring.ts";
import { SIGNING_PURPOSES, type SigningPurpose } from "./purposes.ts";
import { publishedKeys } from "./sign-document.ts";

/** One key as the receipts contract publishes it (`GET /api/keys/receipts`). */
export type ContractKey = {
  kid: string;
  alg: "Ed25519";
  /** The raw 32-byte Ed25519 public key, base64url. */
  publicKey: string;
  /** When the key started signing; null when unknown (a key given by environment carries no date). */
  validFrom: string | null;
  /** When it stopped (retired by a rotation); null while it signs, or when a retirement date is unknown. */
  validUntil: string | null;
  status: "current" | "retired";
};

/**
 * What `GET /api/keys/<purpose>` answers, in the shape the purpose's table entry names:
 * `jwks` → `publishedKeys(purpose)`; `keys` → `{keys: [ContractKey]}`, current key first,
 * then retired ones (their public keys stay published, so what they signed keeps verifying).
 */
export function keysDocument(purpose: SigningPurpose): ReturnType<typeof publishedKeys> | { keys: ContractKey[] } {
  if (SIGNING_PURPOSES[purpose].published === "jwks") return publishedKeys(purpose);
  return {
    keys: keyRing(purpose).published.map((k) => ({
      kid: k.kid,
      alg: "Ed25519" as const,
      publicKey: k.x,
      validFrom: k.createdAt,
      validUntil: k.retiredAt,
      status: k.status,
    })),
  };
}
