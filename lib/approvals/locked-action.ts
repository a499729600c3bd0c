import type { Reason } from "../actions/index.ts";
import type { SqlRunner } from "../db/index.ts";

/** A pending action as a vote sees it, locked for the vote's transaction. */
export type LockedAction = {
  id: string;
  status: string;
  quorum: number | null;
  expires_at: Date | null;
  created_at: Date;
  agent_id: string;
  agent_name: string;
  owner: string;
  risk_tier: string;
  cohort: string;
  action: string;
  resource: string;
  input: Record<string, unknown>;
  context: Record<string, unknown>;
  reasons: Reason[];
  approval: unknown;
  stage_index: number | null;
  stage_team_id: string | null;
  stage_expires_at: Date | null;
  approved_input: Record<string, unknown> | null;
  /** The agent version the action runs under (lib/releases), or null. */
  version: string | null;
  /** The database's clock when the row was locked: every transition's clock. */
  db_now: Date;
};

/**
 * Locks the actions (`FOR UPDATE`, in id order so two bulk decisions can't deadlock) and
 * returns them with their agent. Concurrent votes on one action are applied one after the
 * other: exactly one can complete a quorum.
 */
export async function lockActions(run: SqlRunner, ids: string[]): Promise<LockedAction[]> {
  return run<LockedAction>(
    `SELECT a.id, a.status, a.quorum, a.expires_at, a.created_at, a.agent_id, g.name AS agent_name, g.owner, g.risk_tier, a.cohort, a.action, a.resource,
            a.input, a.context, a.reasons, a.approval, a.stage_index, a.stage_team_id, a.stage_expires_at, a.approved_input, a.version, clock_timestamp() AS db_now
       FROM actions a JOIN agents g ON g.id = a.agent_id WHERE a.id = ANY($1::text[]) ORDER BY a.id FOR UPDATE OF a`,
    [ids],
  );
}

/**
 * Whose time ran out before the vote: a single-stage approval's (expired) or the current
 * stage's — by the database's clock at the lock (an agent may already have been told
 * "expired" by that clock: lib/actions answerOf).
 */
export function overdue(a: LockedAction, now = a.db_now.getTime()): "expired" | "stage" | null {
  if (a.status !== "PENDING") return null;
  if (a.stage_index !== null) return a.stage_expires_at && a.stage_expires_at.getTime() <= now ? "stage" : null;
  return a.expires_at && a.expires_at.getTime() <= now ? "expired" : null;
}

/** The require_approval policies a pending action waits for (what "similar" means for bulk decisions, and what a changed input must not add to). */
export function approvalPolicyIds(a: Pick<LockedAction, "reasons">): string[] {
  return [...new Set(a.reasons.filter((r) => r.effect === "require_approval" && r.policyId).map((r) => r.policyId!))].sort();
}
