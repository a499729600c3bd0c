import { z } from "zod";

/** `ResultAnswer` (report-result.ts) as a schema: the answer of `POST /v1/actions/{id}/result`. */
export const resultAnswerSchema = z.object({
  id: z.string(),
  flags: z.array(z.object({ policyId: z.string().optional(), policyName: z.string().optional(), code: z.string().optional(), message: z.string() })),
});
