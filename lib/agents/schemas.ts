import { z } from "zod";
import { capabilitiesSchema } from "../grants/index.ts";
import { AGENT_NAME, agentGlobSchema, COHORT_NAME, cohortGlobSchema, cohortNameSchema, nameRegExp, ownerSchema } from "../validation/index.ts";

export { AGENT_NAME, agentGlobSchema, COHORT_NAME, cohortGlobSchema, cohortNameSchema, ownerSchema };

export const RISK_TIERS = ["low", "medium", "high"] as const;
export type RiskTierName = (typeof RISK_TIERS)[number];

export const agentNameSchema = z
  .string()
  .trim()
  .min(AGENT_NAME.min)
  .max(AGENT_NAME.max)
  .regex(nameRegExp(AGENT_NAME), "lowercase letters, digits, '.', '_' and '-', starting with a letter or digit");

export const registerAgentSchema = z.strictObject({
  name: agentNameSchema,
  description: z.string().trim().max(1000).optional(),
  cohort: cohortNameSchema,
  owner: ownerSchema,
  riskTier: z.enum(RISK_TIERS).optional(),
});

export const updateAgentSchema = z
  .strictObject({
    description: z.string().trim().max(1000).optional(),
    cohort: cohortNameSchema.optional(),
    owner: ownerSchema.optional(),
    riskTier: z.enum(RISK_TIERS).optional(),
    /** Capability grants (admins): null = unrestricted, [] = nothing granted. */
    capabilities: capabilitiesSchema.optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "nothing to change");

export const listAgentsSchema = z.object({
  q: z.string().trim().max(100).optional(),
  cohort: cohortNameSchema.optional(),
  owner: z.string().trim().max(120).optional(),
});

export type RegisterAgentInput = z.infer<typeof registerAgentSchema>;
export type UpdateAgentInput = z.infer<typeof updateAgentSchema>;
export type ListAgentsInput = z.infer<typeof listAgentsSchema>;
