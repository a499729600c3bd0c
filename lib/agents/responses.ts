import { z } from "zod";
import { capabilitiesSchema, capabilityChangeViewSchema } from "../grants/index.ts";
import { RISK_TIERS } from "./schemas.ts";

const agentStatus = z.enum(["active", "halted", "circuit_open"]).describe("A halt first (global > cohort > agent), then an open breaker holding it or its cohort");
/** Why a breaker holds the agent, when status is circuit_open. */
const heldBySchema = z.object({ id: z.string(), name: z.string(), state: z.enum(["open", "half_open"]), holds: z.enum(["agent", "cohort"]) });
const capabilities = capabilitiesSchema.describe("Capability grants: null = unrestricted, [] = nothing granted");

/** `SwitchHalt` (lib/killswitch) as a schema: one switch by itself. */
export const switchHaltSchema = z.union([
  z.object({ status: z.literal("active") }),
  z.object({ status: z.literal("halted"), haltReason: z.string(), haltedAt: z.iso.datetime() }),
]);

/** `HaltCover` (lib/killswitch) as a schema: a halt covering the agent, as a reason with its scope. */
export const haltCoverSchema = z.object({
  scope: z.enum(["global", "cohort", "agent"]),
  code: z.enum(["global_halt", "cohort_halted", "agent_halted"]),
  message: z.string(),
});

/** `AgentView` (present.ts) as a schema: an agent as the API shows it. */
export const agentViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  cohort: z.string(),
  owner: z.string(),
  riskTier: z.enum(RISK_TIERS),
  status: agentStatus,
  haltReason: z.string().optional(),
  haltedBy: z.enum(["global", "cohort", "agent"]).optional().describe("Which switch halts it"),
  circuitReason: z.string().optional().describe("circuit_open: why a breaker holds it"),
  breaker: heldBySchema.optional().describe("circuit_open: the breaker holding it"),
  capabilities,
  ownHalt: switchHaltSchema.describe("The agent's own switch, whatever covers it from above"),
  halts: z.array(haltCoverSchema).describe("Every halt covering it, strongest first; empty when it may act"),
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
/**
 * The agent a `PATCH /api/agents/{id}` answers: the route re-reads it with `getAgent` when only
 * `capabilities` changed, so `keys` is then present too.
 */
const patchedAgentSchema = z.object({ ...agentViewSchema.shape, keys: z.array(agentKeyViewSchema).optional().describe("Present when the request changed only capabilities") });
/** `PATCH /api/agents/{id}` (200) */
export const patchedAgentAnswerSchema = z.object({ agent: patchedAgentSchema });
/** `PATCH /api/agents/{id}` (202): the owner's widening of their own agent's grants waits for a second person. */
export const agentPendingGrantAnswerSchema = z.object({ agent: patchedAgentSchema, capabilityChange: capabilityChangeViewSchema });
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
  status: agentStatus,
  haltReason: z.string().optional(),
  circuitReason: z.string().optional(),
  breaker: heldBySchema.optional(),
  capabilities,
});
