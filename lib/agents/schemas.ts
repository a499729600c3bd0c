import { z } from "zod";
import { capabilitiesSchema } from "../grants/index.ts";
import { COHORT_NAME, cohortNameSchema, nameGlobSchema, nameRegExp, ownerSchema, type NameRule } from "../validation/index.ts";

export { COHORT_NAME, cohortNameSchema, ownerSchema };

export const RISK_TIERS = ["low", "medium", "high"] as const;
export type RiskTierName = (typeof RISK_TIERS)[number];

export const AGENT_NAME: NameRule = { first: "a-z0-9", rest: "a-z0-9._-", min: 2, max: 64 };

export const agentNameSchema = z
  .string()
  .trim()
  .min(AGENT_NAME.min)
  .max(AGENT_NAME.max)
  .regex(nameRegExp(AGENT_NAME), "lowercase letters, digits, '.', '_' and '-', starting with a letter or digit");

/**
 * Globs over agents (policy targets): they match an agent's name or its id (`agt_…`, lower-case
 * letters and digits, itself a valid name), so the name rule decides what can match.
 */
export const agentGlobSchema = nameGlobSchema(AGENT_NAME, "agent");
/** Globs over cohort names (policy targets). */
export const cohortGlobSchema = nameGlobSchema(COHORT_NAME, "cohort");

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
