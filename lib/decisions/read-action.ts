import { ANSWER_COLUMNS, answerOf, OVERDUE_SQL, type ActionAnswer, type ActionRow } from "../actions/index.ts";
import { pool } from "../db/index.ts";
import { notFound } from "../errors/index.ts";
import { watchAction } from "./waiters.ts";

/**
 * The action as stored. When it is pending past its timeout (by the database's clock) it is
 * read again under a share lock: that waits for a settlement already in flight (a vote or a
 * halt holds the row), so "overdue" is only answered when nothing can settle it any more but
 * the timeout (settlePending refuses the rest once the time is up).
 */
async function readRow(agentId: string, id: string): Promise<ActionRow | null> {
  const sql = `SELECT ${ANSWER_COLUMNS}, ${OVERDUE_SQL} FROM actions WHERE id = $1 AND agent_id = $2`;
  const row = (await pool().query<ActionRow>(sql, [id, agentId])).rows[0];
  if (!row || row.status !== "PENDING" || !row.overdue) return row ?? null;
  return (await pool().query<ActionRow>(`${sql} FOR SHARE`, [id, agentId])).rows[0] ?? null;
}

/**
 * The current answer for one of the agent's actions; while it is pending, waits up to
 * `waitSeconds` for a human (or the timeout) to decide, woken by NOTIFY from any instance.
 * Never writes: an overdue action is answered `expired` (answerOf), and the expiry job
 * records exactly that. Throws not_found for another agent's action.
 */
export async function readAction({ agentId, id, waitSeconds }: { agentId: string; id: string; waitSeconds: number }): Promise<ActionAnswer> {
  const deadline = Date.now() + waitSeconds * 1000;
  const watch = waitSeconds > 0 ? await watchAction(id) : null;
  try {
    for (;;) {
      const row = await readRow(agentId, id);
      if (!row) throw notFound("Action");
      const answer = answerOf(row);
      if (answer.status !== "pending") return answer;
      const left = deadline - Date.now();
      if (!watch || left <= 0) return answer;
      // Wake at a single-stage expiry too, to answer `expired` on time. A staged action's
      // stage moves are written by the stage job, whose NOTIFY wakes this.
      const staged = row.stage_index !== null && row.stage_index !== undefined;
      const untilExpiry = row.expires_at && !staged ? row.expires_at.getTime() - Date.now() + 5 : Infinity;
      await watch.wait(Math.min(left, untilExpiry));
    }
  } finally {
    watch?.stop();
  }
}
