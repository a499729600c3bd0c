export { registerAgent } from "./register-agent.ts";
export { updateAgent } from "./update-agent.ts";
export { rotateAgentKey, revokeAgentKey, type AgentKeyView } from "./agent-keys.ts";
export { listAgents, getAgent } from "./list-agents.ts";
export { authenticateAgent } from "./authenticate-agent.ts";
export { globalHaltState } from "./global-halt.ts";
export { presentAgent, effectiveHalt, type AgentView } from "./present.ts";
export { registerAgentSchema, updateAgentSchema, listAgentsSchema, RISK_TIERS, type RegisterAgentInput, type UpdateAgentInput, type RiskTierName } from "./schemas.ts";
export { identityCache, type AgentIdentity } from "./agent-identity.ts";
