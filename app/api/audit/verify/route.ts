import { verifyAuditChain } from "@/lib/audit/index.ts";
import { route } from "@/lib/http/index.ts";

export const GET = route({ permission: "read", handler: () => verifyAuditChain() });
