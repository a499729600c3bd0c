/**
 * Why an action was decided the way it was: the `reasons` of an answer (API.md). Codes are
 * part of the contract; add, never rename.
 */
export const REASON_CODES = ["policy", "agent_halted", "cohort_halted", "global_halt", "circuit_open", "default", "handoff"] as const;
export type ReasonCode = (typeof REASON_CODES)[number];

export type Reason = {
  code: ReasonCode;
  policyId?: string;
  policyName?: string;
  policyVersion?: number;
  effect?: "deny" | "require_approval" | "allow" | "flag";
  message: string;
};

/** The reason's fields that go into audit events and webhook payloads. */
export function briefReason(r: Reason): Reason {
  return { code: r.code, policyId: r.policyId, policyName: r.policyName, policyVersion: r.policyVersion, effect: r.effect, message: r.message };
}

/** The reason a pending action gets when its approval times out (kept as `policy`, as before). */
export const EXPIRED_REASON: Reason = { code: "policy", message: "No decision before the approval timed out" };
