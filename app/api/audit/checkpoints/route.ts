import { checkpointListQuerySchema, listCheckpoints } from "@/lib/audit/index.ts";
import { route } from "@/lib/http/index.ts";

/** `GET /api/audit/checkpoints`: the signed checkpoints, newest first, each with its signature checked. */
export const GET = route({
  permission: "read",
  query: checkpointListQuerySchema,
  handler: ({ query: q }) => listCheckpoints({ limit: q.limit, before: q.before }),
});
