import { withPgTransaction } from "../db/index.ts";
import { EXPIRED_REASON } from "./reasons.ts";
import { settlePending } from "./settle-pending.ts";

/**
 * The timeout transition: settles pending actions whose approval timed out as `expired`
 * (through `settlePending`, so audited, notified and sent like every settlement). Without
 * `ids`, the job's sweep: up to 500 overdue actions, claimed with SKIP LOCKED so every
 * instance can run it at once. With `ids`, expires just those if they are overdue (a vote
 * that arrived too late calls this explicitly). Returns how many it expired.
 */
export async function expireDueActions(ids?: string[]): Promise<number> {
  return withPgTransaction(async (run) => {
    if (ids) {
      const overdue = await run<{ id: string }>(`SELECT id FROM actions WHERE id = ANY($1::text[]) AND status = 'PENDING' AND stage_index IS NULL AND expires_at <= clock_timestamp() FOR UPDATE`, [ids]);
      if (overdue.length === 0) return 0;
      ids = overdue.map((r) => r.id);
    }
    const settled = await settlePending(run, {
      target: ids ? { ids } : { overdue: true, limit: 500 },
      outcome: "expired",
      cause: "timeout",
      reason: EXPIRED_REASON,
      actor: "system",
      by: "system",
    });
    return settled.length;
  });
}
