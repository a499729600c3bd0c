import { z } from "zod";

/** `RecordView` (store.ts) as a schema: one record with its provenance and freshness. */
export const recordViewSchema = z.object({
  key: z.string(),
  value: z.unknown(),
  source: z.string(),
  updatedAt: z.iso.datetime(),
  since: z.number().int().describe("The version that wrote its current value"),
  proposedBy: z.string(),
  approvedBy: z.string(),
  effectiveFrom: z.iso.datetime().nullable(),
  expiresAt: z.iso.datetime().nullable(),
  stale: z.boolean().describe("Stale, expired or not yet in force: a policy reading it fails closed"),
  staleReason: z.string().optional(),
});

/** `GET /v1/knowledge/{set}/{key}`: the record in the current published version. */
export const agentRecordAnswerSchema = z.object({ set: z.string(), version: z.number().int(), ...recordViewSchema.shape });

/** `GET /v1/knowledge/{set}?since=N`: what changed since version N, paged. */
export const agentSinceAnswerSchema = z.object({
  set: z.string(),
  version: z.number().int(),
  since: z.number().int(),
  changes: z.array(z.object({ key: z.string(), op: z.enum(["upsert", "delete"]), record: recordViewSchema.optional() })),
  nextCursor: z.string().nullable(),
});
