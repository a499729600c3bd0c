import { pendingCount } from "@/lib/approvals/index.ts";
import { route } from "@/lib/http/index.ts";

export const GET = route({ permission: "read", handler: ({ principal }) => pendingCount(principal) });
