import { approvalDecisionSchema, decideApproval } from "@/lib/approvals/index.ts";
import { route } from "@/lib/http/index.ts";

export const POST = route({
  permission: "approvals:decide",
  body: approvalDecisionSchema,
  // An approval with changes carries the whole modified input (≤ 64 KiB).
  maxBodyBytes: 96 * 1024,
  handler: ({ principal, body, params }) => decideApproval({ actionId: params.actionId!, principal, input: body }),
});
