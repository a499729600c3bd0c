import { appendAuditEvents, type SqlRunner } from "../audit/index.ts";
import { pool } from "../db/index.ts";
import { notifySql } from "../events/index.ts";
import { enqueueWebhook } from "../webhooks/enqueue.ts";
import { notFound } from "../http/errors.ts";
import { answerOf, type ActionAnswer, type ActionRow } from "./present.ts";
import { watchAction } from "./waiters.ts";

async function readRow(agentId: string, id: string): Promise<ActionRow | null> {
  const { rows } = await pool().query<ActionRow>(`SELECT id, status, reasons, shadow, expires_at FROM actions WHERE id = $1 AND agent_id = $2`, [id, agentId]);
  return rows[0] ?? null;
}

/** Turns pending actions whose time ran out into `expired`, audited. Safe on every instance at once. */
export async function expireDueActions(ids?: string[]): Promise<number> {
  const client = await pool().connect();
  try {
    await client.query("BEGIN");
    const { rows } = await client.query<{ id: string; agent_id: string; cohort: string; action: string }>(
      `UPDATE actions SET status = 'EXPIRED', decision = 'DENY', decided_at = now(),
              reasons = reasons || '[{"code":"policy","message":"No decision before the approval timed out"}]'::jsonb
        WHERE id IN (SELECT id FROM actions WHERE status = 'PENDING' AND expires_at <= now() ${ids ? "AND id = ANY($1::text[])" : ""}
                     ORDER BY expires_at LIMIT 500 FOR UPDATE SKIP LOCKED)
        RETURNING id, agent_id, cohort, action`,
      ids ? [ids] : [],
    );
    const run: SqlRunner = async <T>(sql: string, params: unknown[]) => (await client.query(sql, params)).rows as T[];
    await appendAuditEvents(
      run,
      rows.map((r) => ({ actor: "system", kind: "action.expired", subject: `action:${r.id}`, agentId: r.agent_id, cohort: r.cohort, data: { action: r.action, status: "expired" } })),
    );
    for (const r of rows) {
      await client.query(notifySql, ["warden_actions", r.id]);
      await enqueueWebhook(run, "approval.decided", { actionId: r.id, cohort: r.cohort, action: r.action, status: "expired" });
    }
    await client.query("COMMIT");
    return rows.length;
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

/**
 * The current answer for one of the agent's actions; while it is pending, waits up to
 * `waitSeconds` for a human (or the timeout) to decide, woken by NOTIFY from any instance.
 */
export async function readAction({ agentId, id, waitSeconds }: { agentId: string; id: string; waitSeconds: number }): Promise<ActionAnswer> {
  const deadline = Date.now() + waitSeconds * 1000;
  const watch = waitSeconds > 0 ? await watchAction(id) : null;
  try {
    for (;;) {
      const row = await readRow(agentId, id);
      if (!row) throw notFound("Action");
      if (row.status !== "PENDING") return answerOf(row);
      if (row.expires_at && row.expires_at.getTime() <= Date.now()) {
        await expireDueActions([id]);
        continue;
      }
      const left = deadline - Date.now();
      if (!watch || left <= 0) return answerOf(row);
      const untilExpiry = row.expires_at ? row.expires_at.getTime() - Date.now() + 5 : Infinity;
      await watch.wait(Math.min(left, untilExpiry));
    }
  } finally {
    watch?.stop();
  }
}
