import { z } from "zod";

/** `POST /api/policies/validate` body: a CEL condition to compile (the editor's as-you-type check). */
export const validateConditionSchema = z.strictObject({ condition: z.string().max(4000), stage: z.enum(["pre", "post"]).default("pre") });
