import { appendAuditEvents } from "../audit/index.ts";
import type { SqlRunner } from "../db/index.ts";
import { CHANNEL, notifyManySql } from "../events/index.ts";
import { reissueReceipts } from "../receipts/index.ts";
import { enqueueWebhook } from "../webhooks/index.ts";
import { settledEvent, settledPayload, type SettlementFacts } from "./events.ts";
import { decisionOf, toDbStatus, type SettledStatus } from "./status.ts";

/** Which pending actions a settlement covers. */
export type SettleTarget =
  | { ids: string[] } // these actions (a vote; an explicit expiry)
  | { agentId: string } // everything pending of one agent (a halt, a breaker)
  | { cohort: string } // of one cohort
  | { all: true } // of everyone (the global halt)
  | { overdue: true; limit: number }; // whose approval timed out (the expiry job)

export type Settlement = SettlementFacts & { target: SettleTarget };

export type SettledAction = {
  id: string;
  agentId: string;
  agentName: string;
  cohort: string;
  action: string;
  resource: string;
  quorum: number | null;
  status: SettledStatus;
  decidedAt: Date;
};

type Row = { id: string; agent_id: string; agent_name: string; cohort: string; action: string; resource: string; quorum: number | null; decided_at: Date };

function targetSql(t: SettleTarget, params: unknown[]): string {
  const add = (v: unknown) => `$${params.push(v)}`;
  if ("ids" in t) return `AND id = ANY(${add(t.ids)}::text[])`;
  if ("agentId" in t) return `AND agent_id = ${add(t.agentId)}`;
  if ("cohort" in t) return `AND cohort = ${add(t.cohort)}`;
  if ("overdue" in t) {
    // Many instances run the expiry job: each claims a disjoint set (SKIP LOCKED).
    return `AND id IN (SELECT id FROM actions WHERE status = 'PENDING' AND expires_at <= now() ORDER BY expires_at LIMIT ${add(t.limit)} FOR UPDATE SKIP LOCKED)`;
  }
  return "";
}

/**
 * The one transition out of `pending` (see status.ts): moves the covered actions that are
 * still pending to `outcome`, appends `reason` to their reasons, and — in the caller's
 * transaction — writes one `action.<outcome>` audit event each, one `approval.decided`
 * webhook each (one payload shape whatever the cause), and a NOTIFY on `warden_actions` that
 * wakes whoever long-polls them on any instance; and the signed receipt of the new status
 * (lib/receipts). Actions no longer pending are left alone,
 * so racing settlements can't both win. Returns what it settled.
 *
 * Callers: a vote (lib/approvals), the expiry job (expireDueActions), a halt
 * (lib/killswitch), and later breakers, escalations and rollbacks.
 */
export async function settlePending(run: SqlRunner, s: Settlement): Promise<SettledAction[]> {
  const params: unknown[] = [toDbStatus(s.outcome), JSON.stringify([s.reason])];
  const where = targetSql(s.target, params);
  // clock_timestamp(): as close to the commit as SQL gets (the approvals benchmark measures
  // decision-commit-to-agent latency from it).
  const rows = await run<Row>(
    `WITH settled AS (
       UPDATE actions SET status = $1::"ActionStatus", decided_at = clock_timestamp(), reasons = reasons || $2::jsonb
        WHERE status = 'PENDING' ${where}
        RETURNING id, agent_id, cohort, action, resource, quorum, decided_at)
     SELECT s.*, g.name AS agent_name FROM settled s JOIN agents g ON g.id = s.agent_id ORDER BY s.id`,
    params,
  );
  if (rows.length === 0) return [];
  const settled: SettledAction[] = rows.map((r) => ({
    id: r.id,
    agentId: r.agent_id,
    agentName: r.agent_name,
    cohort: r.cohort,
    action: r.action,
    resource: r.resource,
    quorum: r.quorum,
    status: s.outcome,
    decidedAt: r.decided_at,
  }));
  // Audit events carry the commit's time (`at` default), not decided_at.
  await appendAuditEvents(run, settled.map((a) => ({ ...settledEvent(s, a), at: undefined })));
  await enqueueWebhook(run, "approval.decided", settled.map((a) => settledPayload(s, a)));
  await reissueReceipts(run, settled.map((a) => ({ id: a.id, status: a.status, decision: decisionOf(a.status), decidedAt: a.decidedAt })));
  await run(notifyManySql(CHANNEL.actions, settled.map((a) => a.id)), []);
  return settled;
}
