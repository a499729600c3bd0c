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
  budget: z
    .object({ id: z.string(), name: z.string(), unit: z.string(), limit: z.number(), used: z.number().optional(), amount: z.number().optional() })
    .optional()
    .describe("budget_exceeded / budget_error: the budget and its numbers at the action's turn"),
  breaker: z.object({ id: z.string(), name: z.string() }).optional().describe("circuit_open: the breaker holding the agent or its cohort"),
});

/** `ReceiptPayload` (lib/receipts) as a schema: what a receipt states, signed over its RFC 8785 canonical JSON. */
export const receiptPayloadSchema = z.object({
  type: z.literal("warden.decision.receipt"),
  v: z.literal(1),
  actionId: z.string(),
  agentId: z.string(),
  action: z.string(),
  resource: z.string().describe('The resource exactly as the agent sent it ("" when none)'),
  inputHash: z.string().regex(/^[0-9a-f]{64}$/).describe("SHA-256 (hex) of the RFC 8785 canonical JSON of the input the agent sent ({} when none)"),
  decision: z.enum(DECISIONS),
  status: z.enum(ACTION_STATUSES),
  policyVersions: z.array(z.object({ policyId: z.string(), version: z.number().int(), matched: z.boolean() })),
  knowledge: z.array(z.object({ set: z.string(), version: z.number().int() })),
  approvers: z.array(z.object({ userId: z.string(), email: z.string() })),
  approvedInputHash: z.string().regex(/^[0-9a-f]{64}$/).optional().describe("Approved with changes only: the inputHash of the approved input (what the agent acts on)"),
  time: z.iso.datetime().describe("When the action reached this status"),
});

/** `Receipt` (lib/receipts) as a schema: the signed decision receipt (verify with `GET /api/keys/receipts`). */
export const receiptSchema = z.object({
  kid: z.string().describe("The signing key's id (RFC 7638 thumbprint), listed by GET /api/keys/receipts"),
  alg: z.literal("Ed25519"),
  payload: receiptPayloadSchema,
  signature: z.string().describe("Ed25519 (RFC 8032) over the RFC 8785 canonical JSON of payload, base64url"),
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
  receipt: receiptSchema.optional().describe("The signed decision receipt; absent when receipts are off or for actions recorded before them"),
});
