/**
 * The agent registry: agents with an accountable owner, cohort, risk tier and keys (`wdn_…`,
 * 256-bit, stored as SHA-256). `identityCache()` resolves a key on the data plane's hot path;
 * `authenticateAgent` reads fresh (halts included) for `/v1/agent`; `keyUse()` records each
 * key's last use off the hot path (at most once a minute per key).
 */
export { registerAgent } from "./register-agent.ts";
export { updateAgent } from "./update-agent.ts";
export { ownersSince, recordOwnership } from "./ownership.ts";
export { rotateAgentKey, revokeAgentKey, type AgentKeyView } from "./agent-keys.ts";
export { listAgents, getAgent } from "./list-agents.ts";
export { authenticateAgent } from "./authenticate-agent.ts";
export { presentAgent, type AgentView } from "./present.ts";
export { agentViewSchema, agentKeyViewSchema, agentListAnswerSchema, agentDetailAnswerSchema, agentAnswerSchema, registeredAgentAnswerSchema, rotatedKeyAnswerSchema, revokedKeyAnswerSchema, agentSelfAnswerSchema } from "./responses.ts";
export { registerAgentSchema, updateAgentSchema, listAgentsSchema, cohortNameSchema, ownerSchema, agentGlobSchema, cohortGlobSchema, RISK_TIERS, type RegisterAgentInput, type UpdateAgentInput, type RiskTierName } from "./schemas.ts";
export { identityCache, type AgentIdentity } from "./agent-identity.ts";
export { keyUse, KeyUseRecorder, KEY_USE_RESOLUTION_MS } from "./key-use.ts";
export { isAgentOwner } from "./is-owner.ts";
export { agentsApi } from "./openapi.ts";
