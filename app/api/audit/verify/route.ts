import { z } from "zod";
import { lastVerification, verifyAuditChain } from "@/lib/audit/index.ts";
import { route } from "@/lib/http/index.ts";

const query = z.object({
  // full (default): every chain from genesis. incremental: from the last passing verification.
  scope: z.enum(["full", "incremental"]).default("full"),
  // last=1 reads the last recorded outcome without verifying again.
  last: z.enum(["1", "true"]).optional(),
});

export const GET = route({
  permission: "read",
  query,
  handler: async ({ query: q, principal }) => (q.last ? { last: await lastVerification() } : verifyAuditChain({ scope: q.scope, actor: `user:${principal.userId}` })),
});
