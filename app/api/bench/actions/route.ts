import { identityCache } from "@/lib/agents/index.ts";
import { actionRequestSchema, decideAction, MAX_ACTION_BODY_BYTES } from "@/lib/decisions/index.ts";
import { errorResponse, json, readJsonBody, unauthorized, WardenError } from "@/lib/http/index.ts";

/**
 * `npm run bench:decisions` only (WARDEN_BENCH=1): the same decision work as POST /v1/actions,
 * served by a Next.js route handler, as the reference the lean data plane is measured against.
 */
export async function POST(req: Request): Promise<Response> {
  if (process.env.WARDEN_BENCH !== "1") return errorResponse(new WardenError(404, "not_found", "Not found"));
  try {
    const m = /^Bearer\s+(\S+)$/i.exec(req.headers.get("authorization") ?? "");
    const agent = m ? await identityCache().resolve(m[1]!) : null;
    if (!agent) throw unauthorized("Unknown or revoked agent key");
    const request = actionRequestSchema.parse(await readJsonBody(req, MAX_ACTION_BODY_BYTES));
    return json(await decideAction({ agent, request }));
  } catch (err) {
    return errorResponse(err);
  }
}
