import type { SqlRunner, Tx } from "../db/index.ts";
import { newId } from "../ids.ts";

/**
 * Who owned an agent, and when (`agent_ownerships`): segregation of duties binds to the owners
 * of an action's agent from the moment it was requested, not to the owner field as it is now.
 */

/** Records `owner` as the agent's owner from now on, closing the previous tenure, in the caller's transaction. */
export async function recordOwnership(tx: Tx, { agentId, owner, actor }: { agentId: string; owner: string; actor: string }): Promise<void> {
  const now = new Date();
  await tx.agentOwnership.updateMany({ where: { agentId, until: null }, data: { until: now } });
  await tx.agentOwnership.create({ data: { id: newId("own"), agentId, owner, since: now, until: null, actor } });
}

// Clocks of instances and the database differ a little: a tenure that ended just before the
// request still counts (more owners is the safe side).
const CLOCK_MARGIN_SECONDS = 5;

/**
 * Everyone who owned the agent at or after `since` (an action's request time): the owner then,
 * every owner since, and the owner now. Owner values as stored (e-mail addresses or team names).
 */
export async function ownersSince(run: SqlRunner, agentId: string, since: Date): Promise<string[]> {
  const rows = await run<{ owner: string }>(
    `SELECT owner FROM agent_ownerships WHERE agent_id = $1 AND (until IS NULL OR until >= $2::timestamptz - make_interval(secs => ${CLOCK_MARGIN_SECONDS}))
     UNION SELECT owner FROM agents WHERE id = $1`,
    [agentId, since],
  );
  return rows.map((r) => r.owner);
}
