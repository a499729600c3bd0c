import { errorResponse, json, notFound } from "@/lib/http/index.ts";
import { isSigningPurpose, publishedKeys } from "@/lib/signing/index.ts";

export const dynamic = "force-dynamic";

/**
 * `GET /api/keys/{purpose}` (no authentication): the public keys that verify what Warden signs
 * for that purpose (`checkpoints`), as JWKs with their key id (RFC 7638 thumbprint) and
 * whether each is current or retired. Anyone holding a checkpoint can check its signature.
 */
export async function GET(_req: Request, ctx: { params: Promise<{ purpose: string }> }): Promise<Response> {
  try {
    const { purpose } = await ctx.params;
    if (!isSigningPurpose(purpose)) throw notFound("Key set");
    return json(publishedKeys(purpose));
  } catch (err) {
    return errorResponse(err);
  }
}
