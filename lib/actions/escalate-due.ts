import { lockBudgetsOf } from "../budgets/index.ts";
import { withPgTransaction } from "../db/index.ts";
import { escalatePending } from "./escalate-pending.ts";
import { settlePending } from "./settle-pending.ts";
import { routingOf, timeoutPlan } from "./stages.ts";

/**
 * The stage job: applies each due stage's `onTimeout` to staged pending actions whose current
 * stage ran out of time — climb to the next stage or the fallback team (`escalatePending`,
 * audited `approval.escalated`), or settle (`settlePending`: rejected or approved with cause
 * `stage_timeout`, expired with cause `timeout`). Without `ids`, the sweep: up to 500 due
 * actions, claimed with SKIP LOCKED so every instance can run it at once. With `ids`, just
 * those if due (a vote that arrived after its stage's deadline calls this). Returns how many
 * it moved and settled. Single-stage approvals are expireDueActions'.
 */
export async function escalateDueActions(ids?: string[]): Promise<{ escalated: number; settled: number }> {
  return withPgTransaction(async (run) => {
    const due = await run<{ id: string; approval: unknown; stage_index: number }>(
      `SELECT id, approval, stage_index FROM actions
        WHERE status = 'PENDING' AND stage_index IS NOT NULL AND stage_expires_at <= now() ${ids ? "AND id = ANY($1::text[])" : ""}
        ORDER BY stage_expires_at LIMIT 500 FOR UPDATE ${ids ? "" : "SKIP LOCKED"}`,
      ids ? [ids] : [],
    );
    if (due.length === 0) return { escalated: 0, settled: 0 };
    const climb: string[] = [];
    const settle = new Map<string, { outcome: "approved" | "rejected" | "expired"; message: string; ids: string[] }>();
    for (const a of due) {
      const routing = routingOf(a.approval);
      if (!routing) continue;
      const plan = timeoutPlan(routing, a.stage_index);
      if (plan.kind === "advance") climb.push(a.id);
      else {
        const key = `${plan.outcome}\u0000${plan.message}`;
        const group = settle.get(key) ?? { outcome: plan.outcome, message: plan.message, ids: [] };
        group.ids.push(a.id);
        settle.set(key, group);
      }
    }
    // Budgets before the audit chain head the escalations' events take, as decisions lock them.
    await lockBudgetsOf(run, [...settle.values()].flatMap((g) => g.ids));
    const escalated = await escalatePending(run, climb, { cause: "timeout" });
    let settled = 0;
    for (const g of settle.values()) {
      const done = await settlePending(run, {
        target: { ids: g.ids },
        outcome: g.outcome,
        cause: g.outcome === "expired" ? "timeout" : "stage_timeout",
        reason: { code: "policy", message: g.message },
        actor: "system",
        by: "system",
      });
      settled += done.length;
    }
    return { escalated: escalated.length, settled };
  });
}
