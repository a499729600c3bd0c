import type { Reason } from "../policies/types.ts";

export type ActionStatusName = "allowed" | "denied" | "pending" | "approved" | "rejected" | "expired";
export type DecisionName = "allow" | "deny" | "pending";

export type ActionAnswer = {
  id: string;
  decision: DecisionName;
  status: ActionStatusName;
  reasons: Reason[];
  shadow: Reason[];
  expiresAt?: string;
};

export function decisionOf(status: ActionStatusName): DecisionName {
  if (status === "pending") return "pending";
  return status === "allowed" || status === "approved" ? "allow" : "deny";
}

export type ActionRow = {
  id: string;
  status: string;
  reasons: unknown;
  shadow: unknown;
  expires_at: Date | null;
};

export function answerOf(r: ActionRow): ActionAnswer {
  const status = r.status.toLowerCase() as ActionStatusName;
  const a: ActionAnswer = { id: r.id, decision: decisionOf(status), status, reasons: r.reasons as Reason[], shadow: r.shadow as Reason[] };
  if (status === "pending" && r.expires_at) a.expiresAt = r.expires_at.toISOString();
  return a;
}
