import { identityCache } from "@/lib/agents/index.ts";
import { actionRequestSchema, decideAction, MAX_ACTION_BODY_BYTES } from "@/lib/decisions/index.ts";
import { errorResponse, json, readJsonBody, unauthorized } from "@/lib/http/index.ts";

/**
 * Bench builds only (`WARDEN_BENCH_BUILD=1`, see next.config.ts: the `.bench.ts` page
 * extension exists only there): the same decision work as POST /v1/actions, served by a
 * Next.js route handler, as the reference `npm run bench:decisions` measures the lean data
 * plane against. A production build has no such route.
 */
export async function POST(req: Request): Promise<Response> {
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
