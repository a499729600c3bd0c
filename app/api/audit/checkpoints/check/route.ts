import { checkCheckpoint, checkpointCheckBodySchema } from "@/lib/audit/index.ts";
import { route } from "@/lib/http/index.ts";


/**
 * `POST /api/audit/checkpoints/check {checkpoint}`: does the log still contain what this signed
 * checkpoint (an outsider's copy) saw? Cheap; records nothing.
 */
export const POST = route({
  permission: "read",
  body: checkpointCheckBodySchema,
  maxBodyBytes: 16 * 1024,
  handler: ({ body: b }) => checkCheckpoint(b.checkpoint),
});
