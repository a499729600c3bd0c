import { listApprovals, listApprovalsSchema } from "@/lib/approvals/index.ts";
import { route } from "@/lib/http/index.ts";

export const GET = route({ permission: "read", query: listApprovalsSchema, handler: ({ query, principal }) => listApprovals(query, principal) });
