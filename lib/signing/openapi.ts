import { z } from "zod";
import type { ApiOperation } from "../openapi/index.ts";
import { SIGNING_PURPOSES } from "./purposes.ts";

/** `PublishedKey` (key-ring.ts) as a schema: a public key as a JWK (RFC 8037) with its status. */
export const publishedKeySchema = z.object({
  kid: z.string().describe("RFC 7638 thumbprint"),
  kty: z.literal("OKP"),
  crv: z.literal("Ed25519"),
  x: z.string().describe("The raw 32-byte public key, base64url"),
  alg: z.literal("EdDSA"),
  use: z.literal("sig"),
  status: z.enum(["current", "retired"]),
  createdAt: z.iso.datetime().nullable(),
  retiredAt: z.iso.datetime().nullable(),
});

const JWKS_PURPOSES = Object.entries(SIGNING_PURPOSES).filter(([, p]) => p.published === "jwks").map(([name]) => name) as [string, ...string[]];

/** `GET /api/keys/{purpose}` for a `jwks` purpose (checkpoints): JWKs with their status. */
export const jwksAnswerSchema = z.object({
  purpose: z.enum(JWKS_PURPOSES),
  current: z.string().nullable().describe("The kid that signs now"),
  keys: z.array(publishedKeySchema),
});

/** `ContractKey` (keys-document.ts) as a schema: a key as the receipts contract publishes it. */
export const contractKeySchema = z.object({
  kid: z.string().describe("RFC 7638 thumbprint, the receipts' `kid`"),
  alg: z.literal("Ed25519"),
  publicKey: z.string().describe("The raw 32-byte Ed25519 public key, base64url"),
  validFrom: z.iso.datetime().nullable().describe("When the key started signing; null when unknown (a key given by environment)"),
  validUntil: z.iso.datetime().nullable().describe("When a rotation retired it; null while it signs or when unknown"),
  status: z.enum(["current", "retired"]),
});

/** `GET /api/keys/{purpose}` for a `keys` purpose (receipts): current key first, then retired ones. */
export const contractKeysAnswerSchema = z.object({ keys: z.array(contractKeySchema) });

/** `GET /api/keys/{purpose}`: JWKs (checkpoints) or the receipts contract (receipts). */
export const publishedKeysAnswerSchema = z.union([jwksAnswerSchema, contractKeysAnswerSchema]);

/** Public keys of what Warden signs. */
export const signingApi: ApiOperation[] = [
  {
    method: "get",
    path: "/api/keys/{purpose}",
    operationId: "publishedKeys",
    tag: "Audit",
    auth: "none",
    summary: "The public keys that verify what Warden signs for a purpose (checkpoints, receipts)",
    description: "`checkpoints`: `{purpose, current, keys: [JWK + status]}`. `receipts`: `{keys: [{kid, alg, publicKey, validFrom, validUntil, status}]}`, the current key first; retired keys stay listed so what they signed keeps verifying.",
    params: { purpose: `One of: ${Object.keys(SIGNING_PURPOSES).join(", ")}` },
    responses: {
      200: {
        description: "The key set",
        schema: publishedKeysAnswerSchema,
        example: { purpose: "checkpoints", current: "Xq3…", keys: [{ kid: "Xq3…", kty: "OKP", crv: "Ed25519", x: "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo", alg: "EdDSA", use: "sig", status: "current", createdAt: "2026-11-20T10:00:00.000Z", retiredAt: null }] },
      },
    },
  },
];
