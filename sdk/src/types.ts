export type Decision = "allow" | "deny" | "pending";
export type ActionStatus = "allowed" | "denied" | "pending" | "approved" | "rejected" | "expired";

export type Reason = {
  code: "policy" | "agent_halted" | "cohort_halted" | "global_halt" | "circuit_open" | "default";
  policyId?: string;
  policyName?: string;
  effect?: "deny" | "require_approval" | "allow" | "flag";
  message: string;
};

export type ActionAnswer = { id: string; decision: Decision; status: ActionStatus; reasons: Reason[]; shadow: Reason[]; expiresAt?: string };

export type ActionRequest = {
  action: string;
  resource?: string;
  input?: Record<string, unknown>;
  context?: Record<string, unknown>;
  idempotencyKey?: string;
};

export type Flag = { policyId?: string; policyName?: string; message: string };

export type WhoAmI = { id: string; name: string; cohort: string; owner: string; status: "active" | "halted"; haltReason?: string };

export type WardenOptions = {
  url: string;
  apiKey: string;
  /** Per request, on top of any long-poll wait. */
  timeoutMs?: number;
  /** How long one long-poll asks the server to hold (≤ 60). */
  waitSeconds?: number;
  /** How long `guard` waits for a human in total before giving up (fails closed). */
  maxWaitMs?: number;
  fetch?: typeof fetch;
  /** Called when the result of an action that ran could not be reported. */
  onResultReportError?: (err: unknown, actionId: string) => void;
};
