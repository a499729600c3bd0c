import { z } from "zod";
import { RISK_TIERS } from "./schemas.ts";

/** `AgentView` (present.ts) as a schema: an agent as the API shows it. */
export const agentViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  cohort: z.string(),
  owner: z.string(),
  riskTier: z.enum(RISK_TIERS),
  status: z.enum(["active", "halted"]),
  haltReason: z.string().optional(),
  haltedBy: z.enum(["global", "cohort", "agent"]).optional().describe("Which switch halts it"),
  createdBy: z.object({ id: z.string(), email: z.string(), name: z.string() }).nullable(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

/** `AgentKeyView` (agent-keys.ts) as a schema: a key's metadata (never the secret). */
export const agentKeyViewSchema = z.object({
  id: z.string(),
  prefix: z.string(),
  createdAt: z.iso.datetime(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
  createdBy: z.string().nullable(),
});

const apiKey = z.string().describe("The agent key (wdn_…), shown this once; only its hash is stored");

/** `GET /api/agents` */
export const agentListAnswerSchema = z.object({ agents: z.array(agentViewSchema) });
/** `GET /api/agents/{id}`: the agent with its keys. */
export const agentDetailAnswerSchema = z.object({ agent: z.object({ ...agentViewSchema.shape, keys: z.array(agentKeyViewSchema) }) });
/** `PATCH /api/agents/{id}` */
export const agentAnswerSchema = z.object({ agent: agentViewSchema });
/** `POST /api/agents` (201) */
export const registeredAgentAnswerSchema = z.object({ agent: agentViewSchema, apiKey, keyId: z.string() });
/** `POST /api/agents/{id}/keys` (201) */
export const rotatedKeyAnswerSchema = z.object({ apiKey, key: agentKeyViewSchema });
/** `DELETE /api/agents/{id}/keys/{keyId}` */
export const revokedKeyAnswerSchema = z.object({ key: agentKeyViewSchema });

/** `GET /v1/agent`: who the calling agent is, read fresh (a halt shows at once). */
export const agentSelfAnswerSchema = z.object({
  id: z.string(),
  name: z.string(),
  cohort: z.string(),
  owner: z.string(),
  riskTier: z.enum(RISK_TIERS),
  status: z.enum(["active", "halted"]),
  haltReason: z.string().optional(),
});
