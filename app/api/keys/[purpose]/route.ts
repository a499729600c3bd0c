import { errorResponse, json, notFound } from "@/lib/http/index.ts";
import { isSigningPurpose, keysDocument } from "@/lib/signing/index.ts";

export const dynamic = "force-dynamic";

/**
 * `GET /api/keys/{purpose}` (no authentication): the public keys that verify what Warden signs
 * for that purpose, current and retired, from the environment and the data directory (never the
 * database). `checkpoints`: JWKs with their key id (RFC 7638 thumbprint) and state
 * (docs/API.md "Tamper evidence"); `receipts`: the receipts contract
 * `{keys: [{kid, alg: "Ed25519", publicKey, validFrom, validUntil}]}` (docs/API.md "Receipts").
 * Unknown purpose: 404 not_found.
 */
export async function GET(_req: Request, ctx: { params: Promise<{ purpose: string }> }): Promise<Response> {
  try {
    const { purpose } = await ctx.params;
    if (!isSigningPurpose(purpose)) throw notFound("Key set");
    return json(keysDocument(purpose));
  } catch (err) {
    return errorResponse(err);
  }
}
