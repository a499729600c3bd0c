/**
 * The kill switch: halt and resume an agent, a cohort or everything (halt.ts), and the one
 * definition of halt state — precedence, reason codes, HALT_LOCK and the SQL displays use
 * (halt-state.ts).
 */
export { halt, resume, haltSchema, resumeSchema, type Scope, type HaltResult } from "./halt.ts";
export { HALT_LOCK, HALT_REASON_CODE, haltsCovering, effectiveHalt, switchHalt, haltedSql, type HaltSwitch, type HaltCover, type HaltScopeKind, type EffectiveHalt, type SwitchHalt } from "./halt-state.ts";
export { globalHaltState } from "./global-halt.ts";
export { haltSummary, type HaltSummary } from "./halt-summary.ts";
export { killswitchApi, haltResultSchema, globalHaltAnswerSchema } from "./openapi.ts";
