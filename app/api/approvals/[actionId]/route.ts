import { approvalDecisionSchema, decideApproval } from "@/lib/approvals/index.ts";
import { route } from "@/lib/http/index.ts";

export const POST = route({
  permission: "approvals:decide",
  body: approvalDecisionSchema,
  maxBodyBytes: 16 * 1024,
  handler: ({ principal, body, params }) => decideApproval({ actionId: params.actionId!, principal, input: body }),
});
