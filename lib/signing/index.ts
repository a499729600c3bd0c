/**
 * Signatures Warden makes with keys that are never in the database (audit checkpoints,
 * decision receipts): Ed25519 (RFC 8032) through node:crypto, key ids as JWK thumbprints
 * (RFC 7638), documents signed over their RFC 8785 canonical JSON.
 *
 * - Keys: `keyRing(purpose)` from `WARDEN_<PURPOSE>_KEY` or `<WARDEN_DATA_DIR>/keys/<purpose>.json`;
 *   `ensureSigningKey` generates the data directory's key when an instance starts;
 *   `rotateSigningKey` keeps the old public key published.
 * - Documents: `signDocument` / `verifyDocument` (the signature inside the document);
 *   `signPayload` / `verifyPayload` (the signature and key id beside it, as receipts carry them).
 * - Publishing: `keysDocument(purpose)` for `/api/keys/<purpose>` (JWKs, or the receipts contract).
 * - Purposes: the table in purposes.ts (one entry per kind of signed document).
 */
export { SIGNING_PURPOSES, isSigningPurpose, type SigningPurpose } from "./purposes.ts";
export { keyRing, ensureSigningKey, rotateSigningKey, type KeyRing, type PublishedKey } from "./key-ring.ts";
export { signDocument, verifyDocument, publishedKeys, type Signed, type SignatureCheck } from "./sign-document.ts";
export { signPayload, signCanonical, verifyPayload } from "./sign-payload.ts";
export { keysDocument, type ContractKey } from "./keys-document.ts";
export { keyIdOf, rawPublicKey } from "./key-id.ts";
export { parsePrivateKey, parsePublicKey, parsePublicKeyList } from "./parse-key.ts";
export { signingApi, publishedKeySchema, publishedKeysAnswerSchema, contractKeySchema } from "./openapi.ts";
