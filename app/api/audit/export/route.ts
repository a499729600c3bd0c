import { auditExportQuerySchema, exportAuditEvents } from "@/lib/audit/index.ts";
import { route } from "@/lib/http/index.ts";

export const GET = route({
  permission: "read",
  query: auditExportQuerySchema,
  handler: async ({ query: { format, ...filter } }) => {
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    return new Response(exportAuditEvents(filter, format), {
      headers: {
        "content-type": format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
        "content-disposition": `attachment; filename="warden-audit-${stamp}.${format}"`,
        "cache-control": "no-store",
      },
    });
  },
});
