/**
 * What Warden signs, and where each purpose's key comes from. A purpose has its own key pair,
 * its own key ids and its own published key list, so a leaked receipt key can't forge audit
 * checkpoints. To add one, add an entry here: everything else in lib/signing (loading,
 * rotation, publishing, signing, verifying) works from this table.
 *
 * `published` is the shape `GET /api/keys/<purpose>` answers (keys-document.ts): `jwks` —
 * `{purpose, current, keys: [JWK + status]}` (docs/API.md "Tamper evidence"); `keys` — the
 * receipts contract `{keys: [{kid, alg: "Ed25519", publicKey, validFrom, validUntil}]}`.
 */
export const SIGNING_PURPOSES = {
  checkpoints: {
    /** The current private key (PKCS#8, PEM or base64 DER). Wins over the data directory. */
    env: "WARDEN_CHECKPOINT_KEY",
    /** Earlier public keys still trusted and published (comma-separated), after a rotation by env. */
    publicEnv: "WARDEN_CHECKPOINT_PUBLIC_KEYS",
    /** The key ring kept in `<WARDEN_DATA_DIR>/keys/` when the env key is unset. */
    file: "checkpoints.json",
    published: "jwks",
  },
  receipts: {
    /** Signs the decision receipts of `POST/GET /v1/actions` answers (lib/receipts). */
    env: "WARDEN_RECEIPT_KEY",
    publicEnv: "WARDEN_RECEIPT_PUBLIC_KEYS",
    file: "receipts.json",
    published: "keys",
  },
} as const;

export type SigningPurpose = keyof typeof SIGNING_PURPOSES;

export function isSigningPurpose(v: string): v is SigningPurpose {
  return Object.hasOwn(SIGNING_PURPOSES, v);
}
