import { z } from "zod";
import { redactionRulesSchema } from "./rules.ts";

/** `POST /api/settings/redaction/preview` body: draft rules and a sample to redact with them. */
export const redactionPreviewSchema = z.strictObject({
  rules: redactionRulesSchema,
  sample: z.strictObject({
    input: z.record(z.string(), z.unknown()).optional(),
    context: z.record(z.string(), z.unknown()).optional(),
    output: z.unknown().optional(),
    error: z.string().max(8192).optional(),
  }),
});
