/**
 * Why an action was decided the way it was: the `reasons` of an answer (API.md). Codes are
 * part of the contract; add, never rename.
 */
export const REASON_CODES = [
  "policy",
  "agent_halted",
  "cohort_halted",
  "global_halt",
  "circuit_open", // an open breaker holds the agent or its cohort (lib/breakers)
  "default",
  "not_granted", // outside the agent's capability grants (lib/grants)
  "budget_exceeded", // the action doesn't fit a budget (lib/budgets)
  "budget_error", // a budget's amount couldn't be computed for it (or its running total can't hold it): denied, fail closed
  "handoff",
] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export type Reason = {
  code: ReasonCode;
  policyId?: string;
  policyName?: string;
  policyVersion?: number;
  effect?: "deny" | "require_approval" | "allow" | "flag";
  message: string;
  /** The budget a budget_exceeded / budget_error reason is about, and its numbers at the action's turn. */
  budget?: { id: string; name: string; unit: string; limit: number; used?: number; amount?: number };
  /** The breaker a circuit_open reason is about. */
  breaker?: { id: string; name: string };
};

/** The reason's fields that go into audit events and webhook payloads. */
export function briefReason(r: Reason): Reason {
  return {
    code: r.code,
    policyId: r.policyId,
    policyName: r.policyName,
    policyVersion: r.policyVersion,
    effect: r.effect,
    message: r.message,
    ...(r.budget ? { budget: r.budget } : {}),
    ...(r.breaker ? { breaker: r.breaker } : {}),
  };
}

/** The reason a pending action gets when its approval times out (kept as `policy`, as before). */
export const EXPIRED_REASON: Reason = { code: "policy", message: "No decision before the approval timed out" };
