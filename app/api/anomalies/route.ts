import { listAnomalies, listAnomaliesSchema } from "@/lib/anomalies/index.ts";
import { route } from "@/lib/http/index.ts";

/** Unusual-access alerts of the last `hours` (default 24), newest first. */
export const GET = route({ permission: "read", query: listAnomaliesSchema, handler: async ({ query }) => ({ anomalies: await listAnomalies(query) }) });
