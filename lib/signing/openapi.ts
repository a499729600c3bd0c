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

/** `GET /api/keys/{purpose}` */
export const publishedKeysAnswerSchema = z.object({
  purpose: z.enum(Object.keys(SIGNING_PURPOSES) as [keyof typeof SIGNING_PURPOSES]),
  current: z.string().nullable().describe("The kid that signs now"),
  keys: z.array(publishedKeySchema),
});

/** Public keys of what Warden signs. */
export const signingApi: ApiOperation[] = [
  {
    method: "get",
    path: "/api/keys/{purpose}",
    operationId: "publishedKeys",
    tag: "Audit",
    auth: "none",
    summary: "The public keys that verify what Warden signs for a purpose (checkpoints)",
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
