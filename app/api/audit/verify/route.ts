import { lastVerification, verifyAuditChain, verifyBodySchema, verifyQuerySchema } from "@/lib/audit/index.ts";
import { route } from "@/lib/http/index.ts";
import { takeVerificationSlot } from "@/lib/throttle/index.ts";

/**
 * The last recorded verification, without verifying (a GET has no side effects): `{last}`
 * and, when there is one, its outcome at the top level as `POST` answers it
 * (`ok`, `events`, `head` or `firstBadSeq` + `why`, `scope`, `verifiedAt`).
 */
export const GET = route({
  permission: "read",
  query: verifyQuerySchema,
  handler: async () => {
    const last = await lastVerification();
    if (!last) return { last: null };
    const outcome = last.ok ? { ok: true, head: last.head } : { ok: false, firstBadSeq: last.firstBadSeq, why: last.why };
    return { ...outcome, scope: last.scope, events: last.events, verifiedAt: last.at, last };
  },
});

/** Verifies the chain now and records the outcome; at most 5 a minute per user (429 + Retry-After). */
export const POST = route({
  permission: "read",
  body: verifyBodySchema,
  handler: async ({ body, principal }) => {
    await takeVerificationSlot(principal.userId);
    return verifyAuditChain({ scope: body.scope, actor: `user:${principal.userId}` });
  },
});
