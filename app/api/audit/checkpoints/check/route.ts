import { z } from "zod";
import { checkCheckpoint } from "@/lib/audit/index.ts";
import { route } from "@/lib/http/index.ts";

// The checkpoint's shape is judged by checkCheckpoint (a malformed one is a failed check, 200).
const body = z.strictObject({ checkpoint: z.record(z.string(), z.unknown()) });

/**
 * `POST /api/audit/checkpoints/check {checkpoint}`: does the log still contain what this signed
 * checkpoint (an outsider's copy) saw? Cheap; records nothing.
 */
export const POST = route({
  permission: "read",
  body,
  maxBodyBytes: 16 * 1024,
  handler: ({ body: b }) => checkCheckpoint(b.checkpoint),
});
