/**
 * The action's vocabulary and state machine. The API's words are the domain's words:
 * `status` is one of ACTION_STATUSES and `decision` always follows from it (`decisionOf`).
 * The database stores the status alone, as the UPPERCASE `ActionStatus` enum; `toDbStatus`
 * and `fromDbStatus` are the only translation.
 *
 * ```
 *            ┌──────────► allowed ──► (result reported once)
 *   request ─┼──────────► denied
 *            └─► pending ─┬─► approved ──► (result reported once)
 *                         ├─► rejected   (a vote, a halt, a breaker)
 *                         └─► expired    (the approval's timeout)
 * ```
 * Terminal states never change again. Every move out of `pending` goes through
 * `settlePending` (settle-pending.ts).
 */
export const ACTION_STATUSES = ["allowed", "denied", "pending", "approved", "rejected", "expired"] as const;
export type ActionStatus = (typeof ACTION_STATUSES)[number];

export const DECISIONS = ["allow", "deny", "pending"] as const;
export type Decision = (typeof DECISIONS)[number];

/** The statuses a new request can be decided into. */
export type InitialStatus = Extract<ActionStatus, "allowed" | "denied" | "pending">;
/** The statuses a pending action can settle into. */
export type SettledStatus = Extract<ActionStatus, "approved" | "rejected" | "expired">;

/** What may follow each status. */
export const TRANSITIONS: Record<ActionStatus, readonly ActionStatus[]> = {
  pending: ["approved", "rejected", "expired"],
  allowed: [],
  denied: [],
  approved: [],
  rejected: [],
  expired: [],
};

export function canTransition(from: ActionStatus, to: ActionStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** The decision an answer carries for a status: allowed/approved → allow, pending → pending, else deny. */
export function decisionOf(status: ActionStatus): Decision {
  if (status === "pending") return "pending";
  return status === "allowed" || status === "approved" ? "allow" : "deny";
}

/** The status a fresh decision starts in. */
export function initialStatus(decision: Decision): InitialStatus {
  return decision === "allow" ? "allowed" : decision === "deny" ? "denied" : "pending";
}

/** The database enum value (`ActionStatus`) of a status. */
export function toDbStatus(status: ActionStatus): Uppercase<ActionStatus> {
  return status.toUpperCase() as Uppercase<ActionStatus>;
}

/** A status read from the database; throws on a value the enum can't hold (a schema bug). */
export function fromDbStatus(value: string): ActionStatus {
  const s = value.toLowerCase() as ActionStatus;
  if (!ACTION_STATUSES.includes(s)) throw new Error(`unknown action status in the database: ${value}`);
  return s;
}
