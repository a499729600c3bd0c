import { z } from "zod";
import { listCheckpoints } from "@/lib/audit/index.ts";
import { route } from "@/lib/http/index.ts";

const query = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  // A checkpoint seq: the page of older ones (the previous page's nextBefore).
  before: z.coerce.number().int().positive().optional(),
});

/** `GET /api/audit/checkpoints`: the signed checkpoints, newest first, each with its signature checked. */
export const GET = route({
  permission: "read",
  query,
  handler: ({ query: q }) => listCheckpoints({ limit: q.limit, before: q.before }),
});
