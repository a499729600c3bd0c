import { z } from "zod";
import { auditFilterSchema } from "./query.ts";

/** `GET /api/audit/export` query: the audit filter and the format. */
export const auditExportQuerySchema = auditFilterSchema.extend({ format: z.enum(["jsonl", "csv"]).default("jsonl") });

/** `GET /api/audit/verify` query (GET reads the last recorded outcome; both kept for older clients). */
export const verifyQuerySchema = z.object({
  last: z.enum(["1", "true"]).optional(),
  scope: z.enum(["full", "incremental"]).optional(),
});

/** `POST /api/audit/verify` body. full (default): every chain from genesis; incremental: from the last passing verification. */
export const verifyBodySchema = z.strictObject({ scope: z.enum(["full", "incremental"]).default("full") });

/** `GET /api/audit/checkpoints` query: page size and, for older ones, the previous page's nextBefore. */
export const checkpointListQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(100).default(20),
  before: z.coerce.number().int().positive().optional(),
});

/** `POST /api/audit/checkpoints/check` body; the checkpoint's shape is judged by checkCheckpoint (a malformed one is a failed check, 200). */
export const checkpointCheckBodySchema = z.strictObject({ checkpoint: z.record(z.string(), z.unknown()) });
