import { z } from "zod";
import { route } from "@/lib/http/index.ts";
import { previewRedaction } from "@/lib/redaction/index.ts";
import { redactionRulesSchema } from "@/lib/redaction/index.ts";

const body = z.strictObject({
  rules: redactionRulesSchema,
  sample: z.strictObject({
    input: z.record(z.string(), z.unknown()).optional(),
    context: z.record(z.string(), z.unknown()).optional(),
    output: z.unknown().optional(),
    error: z.string().max(8192).optional(),
  }),
});

/** Shows what would be stored for a sample under draft rules; stores nothing. */
export const POST = route({ permission: "settings:write", body, maxBodyBytes: 64 * 1024, handler: async ({ body: b }) => previewRedaction(b.rules, b.sample) });
