/**
 * CEL policies (deny, require_approval, allow; post-stage flags; enforce or shadow) in
 * immutable versions: writing (write-policy.ts, audited, NOTIFY), compiling once per version
 * (cel.ts, @marcbachmann/cel-js), the per-instance compiled cache (cache.ts), evaluation that
 * fails closed (evaluate.ts), and draft tests and backtests (test-policy.ts).
 */
export { createPolicy, updatePolicy, setPolicyEnabled } from "./write-policy.ts";
export { listPolicies, getPolicy } from "./read-policies.ts";
export { testPolicy, policyTestSchema, type PolicyTestInput, type PolicyTestResult } from "./test-policy.ts";
export { activePolicies, policyCache } from "./cache.ts";
export { compileCondition, compileNumberExpression, runNumberExpression, overBudget, dataChars, runCondition, type CelProgram } from "./cel.ts";
export { COST_BUDGET, MAX_DATA_CHARS } from "./cost.ts";
export { evaluatePolicies, evaluatePostChecks, compilePolicy, globToRegExp, knowledgeSetsFor, type CompiledPolicy, type Evaluation } from "./evaluate.ts";
export { normalizeText, containsAnyPhrase } from "./text-functions.ts";
export { combineApprovals, type ApprovalPlan, type StagePlan } from "./combine-approvals.ts";
export { policySpecSchema, policyUpdateSchema, approvalStageSchema, editablePath, MAX_STAGES, type PolicySpec, type Reason, type ReasonCode, type EvalInput } from "./types.ts";
export type { PolicyView, PolicyVersionView } from "./present.ts";
export { validateConditionSchema } from "./validate-schema.ts";
export { policiesApi } from "./openapi.ts";
