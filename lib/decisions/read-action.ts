import { answerOf, type ActionAnswer, type ActionRow } from "../actions/index.ts";
import { pool } from "../db/index.ts";
import { notFound } from "../errors/index.ts";
import { withStoredReceipt } from "./batch-receipts.ts";
import { watchAction } from "./waiters.ts";

async function readRow(agentId: string, id: string): Promise<(ActionRow & { receipt: string | null }) | null> {
  const { rows } = await pool().query<ActionRow & { receipt: string | null }>(`SELECT id, status, reasons, shadow, expires_at, receipt FROM actions WHERE id = $1 AND agent_id = $2`, [id, agentId]);
  return rows[0] ?? null;
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
      // Wake at the expiry too, to answer `expired` on time.
      const untilExpiry = row.expires_at ? row.expires_at.getTime() - Date.now() + 5 : Infinity;
      await watch.wait(Math.min(left, untilExpiry));
    }
  } finally {
    watch?.stop();
  }
}
