import { bulkDecisionSchema, decideBulk } from "@/lib/approvals/index.ts";
import { route } from "@/lib/http/index.ts";

export const POST = route({
  permission: "approvals:decide",
  body: bulkDecisionSchema,
  maxBodyBytes: 64 * 1024,
  handler: ({ principal, body }) => decideBulk({ principal, input: body }),
});
