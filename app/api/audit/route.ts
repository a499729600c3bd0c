import { auditQuerySchema, listAuditEvents } from "@/lib/audit/index.ts";
import { route } from "@/lib/http/index.ts";

export const GET = route({ permission: "read", query: auditQuerySchema, handler: ({ query }) => listAuditEvents(query) });
