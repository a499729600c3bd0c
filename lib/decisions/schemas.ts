import { z } from "zod";
import { actionNameSchema } from "../validation/index.ts";

const jsonObject = (maxBytes: number, what: string) =>
  z
    .record(z.string(), z.unknown())
    .refine((v) => Buffer.byteLength(JSON.stringify(v)) <= maxBytes, `${what} must be at most ${maxBytes / 1024} KiB serialized`);

/** `context.knowledge`: the knowledge-set versions the agent says it used (docs/API.md "Knowledge"). */
export const knowledgeCitationsSchema = z
  .array(z.object({ set: z.string().min(1).max(64), version: z.number().int().min(1).max(2_000_000_000) }), { error: "a list of {set, version}" })
  .max(50);

export const actionRequestSchema = z.strictObject({
  action: actionNameSchema,
  resource: z.string().max(256).optional(),
  input: jsonObject(64 * 1024, "input").optional(),
  context: jsonObject(16 * 1024, "context")
    .superRefine((c, ctx) => {
      if (c.knowledge === undefined) return;
      const r = knowledgeCitationsSchema.safeParse(c.knowledge);
      if (!r.success) ctx.addIssue({ code: "custom", path: ["knowledge", ...r.error.issues[0]!.path], message: `context.knowledge is a list of {set, version} (version ≥ 1): ${r.error.issues[0]!.message}` });
    })
    .optional(),
  idempotencyKey: z.string().min(1).max(255).optional(),
  wait: z.number().min(0).max(60).optional(),
  // The agent asks for a human itself (README "Escalation paths"): always pending unless denied.
  handoff: z
    .strictObject({
      reason: z.string().trim().min(1).max(500),
      confidence: z.number().min(0).max(1).optional(),
    })
    .optional(),
  /** The agent version this action runs under (lib/releases); must be registered. */
  version: z.string().min(1).max(64).optional(),
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
