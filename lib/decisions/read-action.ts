import { ANSWER_COLUMNS, answerOf, OVERDUE_SQL, type ActionAnswer, type ActionRow } from "../actions/index.ts";
import { pool } from "../db/index.ts";
import { notFound } from "../errors/index.ts";
import { withStoredReceipt } from "./batch-receipts.ts";
import { watchAction } from "./waiters.ts";

/**
 * The action as stored, with the receipt stored for its status. When it is pending past its
 * timeout (by the database's clock) it is read again under a share lock: that waits for a
 * settlement already in flight (a vote or a halt holds the row), so "overdue" is only answered
 * when nothing can settle it any more but the timeout (settlePending refuses the rest once the
 * time is up).
 */
type StoredRow = ActionRow & { receipt: string | null };
async function readRow(agentId: string, id: string): Promise<StoredRow | null> {
  const sql = `SELECT ${ANSWER_COLUMNS}, receipt, ${OVERDUE_SQL} FROM actions WHERE id = $1 AND agent_id = $2`;
  const row = (await pool().query<StoredRow>(sql, [id, agentId])).rows[0];
  if (!row || row.status !== "PENDING" || !row.overdue) return row ?? null;
  return (await pool().query<StoredRow>(`${sql} FOR SHARE`, [id, agentId])).rows[0] ?? null;
}

/**
 * The current answer for one of the agent's actions; while it is pending, waits up to
 * `waitSeconds` for a human (or the timeout) to decide, woken by NOTIFY from any instance.
 * Never writes: an overdue action is answered `expired` (answerOf), and the expiry job
 * records exactly that. The answer carries the receipt stored for its status (lib/receipts).
 * Throws not_found for another agent's action.
 */
export async function readAction({ agentId, id, waitSeconds }: { agentId: string; id: string; waitSeconds: number }): Promise<ActionAnswer> {
  const deadline = Date.now() + waitSeconds * 1000;
  const watch = waitSeconds > 0 ? await watchAction(id) : null;
  try {
    for (;;) {
      const row = await readRow(agentId, id);
      if (!row) throw notFound("Action");
      const answer = answerOf(row);
      if (answer.status !== "pending") return withStoredReceipt(answer, row.receipt, row.expires_at);
      const left = deadline - Date.now();
      if (!watch || left <= 0) return withStoredReceipt(answer, row.receipt, row.expires_at);
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
