import { z } from "zod";
import { REASON_CODES } from "./reasons.ts";
import { ACTION_STATUSES, DECISIONS } from "./status.ts";

/** `Reason` (reasons.ts) as a schema: why an action was decided the way it was. */
export const reasonSchema = z.object({
  code: z.enum(REASON_CODES),
  policyId: z.string().optional(),
  policyName: z.string().optional(),
  policyVersion: z.number().int().optional(),
  effect: z.enum(["deny", "require_approval", "allow", "flag"]).optional(),
  message: z.string(),
});

/** `ActionAnswer` (answer.ts) as a schema: the answer of `POST /v1/actions` and `GET /v1/actions/{id}`. */
export const actionAnswerSchema = z.object({
  id: z.string(),
  decision: z.enum(DECISIONS),
  status: z.enum(ACTION_STATUSES),
  reasons: z.array(reasonSchema),
  shadow: z.array(reasonSchema).describe("What policies in shadow mode would have decided"),
  expiresAt: z.iso.datetime().optional().describe("Pending: when the approval times out"),
  stage: z
    .object({ index: z.number().int(), of: z.number().int(), team: z.string().nullable(), expiresAt: z.iso.datetime().nullable() })
    .optional()
    .describe("Pending: the stage waiting for people"),
  approvedInput: z.record(z.string(), z.unknown()).optional().describe("Approved with changes: the input to act on"),
  approvedChanges: z
    .array(z.object({ path: z.string(), from: z.unknown().optional(), to: z.unknown().optional() }))
    .optional()
    .describe("What the approvers changed, path by path"),
});
