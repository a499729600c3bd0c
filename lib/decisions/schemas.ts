import { z } from "zod";

const jsonObject = (maxBytes: number, what: string) =>
  z
    .record(z.string(), z.unknown())
    .refine((v) => Buffer.byteLength(JSON.stringify(v)) <= maxBytes, `${what} must be at most ${maxBytes / 1024} KiB serialized`);

export const actionRequestSchema = z.strictObject({
  action: z.string().regex(/^[a-z0-9_.:-]{1,128}$/, "1–128 characters of a-z 0-9 _ . : -"),
  resource: z.string().max(256).optional(),
  input: jsonObject(64 * 1024, "input").optional(),
  context: jsonObject(16 * 1024, "context").optional(),
  idempotencyKey: z.string().min(1).max(255).optional(),
  wait: z.number().min(0).max(60).optional(),
  // The agent asks for a human itself (README "Escalation paths"): always pending unless denied.
  handoff: z
    .strictObject({
      reason: z.string().trim().min(1).max(500),
      confidence: z.number().min(0).max(1).optional(),
    })
    .optional(),
});
export type ActionRequest = z.infer<typeof actionRequestSchema>;

export const waitQuerySchema = z.object({ wait: z.coerce.number().min(0).max(60).default(0) });

export const resultSchema = z.strictObject({
  status: z.enum(["succeeded", "failed"]),
  output: z.unknown().optional(),
  error: z.string().max(4000).optional(),
  // The input the agent acted on: an approval with changes is checked against it.
  input: jsonObject(64 * 1024, "input").optional(),
}).refine((v) => v.output === undefined || Buffer.byteLength(JSON.stringify(v.output)) <= 64 * 1024, { message: "output must be at most 64 KiB serialized", path: ["output"] });
export type ResultReport = z.infer<typeof resultSchema>;

/** Body cap for /v1 requests: the 64 KiB input, 16 KiB context and the rest. */
export const MAX_ACTION_BODY_BYTES = 96 * 1024;
/** Body cap for result reports: a 64 KiB output and the 64 KiB input acted on. */
export const MAX_RESULT_BODY_BYTES = 160 * 1024;
