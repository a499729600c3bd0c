import { appendAuditEvents } from "../audit/index.ts";
import { settleReservations } from "../budgets/index.ts";
import type { SqlRunner } from "../db/index.ts";
import { CHANNEL, notifyManySql } from "../events/index.ts";
import { reissueReceipts } from "../receipts/index.ts";
import { recordCounters, type Counters } from "../signals/index.ts";
import { enqueueWebhook } from "../webhooks/index.ts";
import { settledEvent, settledPayload, type SettlementFacts } from "./events.ts";
import { stageView, type StageView } from "./stages.ts";
import { decisionOf, toDbStatus, type SettledStatus } from "./status.ts";

/** Which pending actions a settlement covers. */
export type SettleTarget =
  | { ids: string[] } // these actions (a vote; an explicit expiry)
  | { agentId: string } // everything pending of one agent (a halt, a breaker)
  | { cohort: string } // of one cohort
  | { all: true } // of everyone (the global halt)
  | { overdue: true; limit: number }; // whose single-stage approval timed out (the expiry job; staged ones: escalateDueActions)

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
  /** The stage it was pending at. */
  stage: StageView | null;
  input: unknown;
  approvedInput: unknown;
  approvedInputHash: string | null;
};

type Row = {
  id: string; agent_id: string; agent_name: string; cohort: string; action: string; resource: string; quorum: number | null; decided_at: Date;
  expires_at: Date | null; approval: unknown; stage_index: number | null; stage_expires_at: Date | null; input: unknown; approved_input: unknown; approved_input_hash: string | null;
  version: string | null;
};

function targetSql(t: SettleTarget, params: unknown[]): string {
  const add = (v: unknown) => `$${params.push(v)}`;
  if ("ids" in t) return `AND id = ANY(${add(t.ids)}::text[])`;
  if ("agentId" in t) return `AND agent_id = ${add(t.agentId)}`;
  if ("cohort" in t) return `AND cohort = ${add(t.cohort)}`;
  if ("overdue" in t) {
    // Many instances run the expiry job: each claims a disjoint set (SKIP LOCKED).
    // Staged actions are left to their stages' timeouts (escalateDueActions).
    return `AND id IN (SELECT id FROM actions WHERE status = 'PENDING' AND stage_index IS NULL AND expires_at <= clock_timestamp() ORDER BY expires_at LIMIT ${add(t.limit)} FOR UPDATE SKIP LOCKED)`;
  }
  return "";
}

/**
 * The one transition out of `pending` (see status.ts): moves the covered actions that are
 * still pending to `outcome`, appends `reason` to their reasons, and — in the caller's
 * transaction — consumes (approved) or releases (rejected, expired) their budget reservations
 * (lib/budgets), records what ended it (`settle_cause`, labelled by outcome.ts), counts the
 * settlement in the signals (lib/signals), writes one
 * `action.<outcome>` audit event each, one `approval.decided`
 * webhook each (one payload shape whatever the cause), and a NOTIFY on `warden_actions` that
 * wakes whoever long-polls them on any instance; and the signed receipt of the new status
 * (lib/receipts). Actions no longer pending are left alone, so racing settlements can't both
 * win; once an action's approval has timed out (by the database's clock) only `expired` can
 * settle it. Returns what it settled.
 *
 * Callers: a vote (lib/approvals), the expiry job (expireDueActions), a stage's timeout
 * (escalateDueActions: reject, approve or expire), a halt (lib/killswitch), and later
 * breakers and rollbacks.
 */
export async function settlePending(run: SqlRunner, s: Settlement): Promise<SettledAction[]> {
  const params: unknown[] = [toDbStatus(s.outcome), JSON.stringify([s.reason]), s.cause];
  // Once the approval's time is up only the timeout settles it: an agent may already have
  // been answered `expired` (answerOf), and that answer must stay true.
  // (A staged action's timeouts are its stage job's: it settles them, whatever the clock says.)
  const inTime = s.outcome === "expired" ? "" : "AND (stage_index IS NOT NULL OR expires_at IS NULL OR expires_at > clock_timestamp())";
  const where = `${targetSql(s.target, params)} ${inTime}`;
  // clock_timestamp(): as close to the commit as SQL gets (the approvals benchmark measures
  // decision-commit-to-agent latency from it).
  const rows = await run<Row>(
    `WITH settled AS (
       UPDATE actions SET status = $1::"ActionStatus", decided_at = clock_timestamp(), reasons = reasons || $2::jsonb, settle_cause = $3
        WHERE status = 'PENDING' ${where}
        RETURNING id, agent_id, cohort, action, resource, quorum, decided_at, expires_at, approval, stage_index, stage_expires_at, input, approved_input, approved_input_hash, version)
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
    // As it stood: the stage it was waiting at when it settled.
    stage: stageView({ status: "PENDING", approval: r.approval, stage_index: r.stage_index, stage_expires_at: r.stage_expires_at, expires_at: r.expires_at }),
    input: r.input,
    approvedInput: r.approved_input,
    approvedInputHash: r.approved_input_hash,
  }));
  // Budgets: an approval consumes the actions' reservations; a rejection or expiry releases them.
  await settleReservations(run, settled.map((a) => a.id), s.outcome === "approved" ? "consume" : "release");
  // Audit events carry the commit's time (`at` default), not decided_at.
  const records = await appendAuditEvents(run, settled.map((a) => ({ ...settledEvent(s, a), at: undefined })));
  // Signals: a person's rejection counts as a rejection; a halt's or a breaker's does not.
  // Written in the shard of the audit chain this transaction holds (no decision batch holds it).
  const counted: Partial<Counters> | null = s.outcome === "approved" ? { approved: 1 } : s.outcome === "expired" ? { expired: 1 } : s.cause === "vote" ? { rejected: 1 } : null;
  const versionOf = new Map(rows.map((r) => [r.id, r.version]));
  if (counted) await recordCounters(run, settled.map((a) => ({ agentId: a.agentId, cohort: a.cohort, version: versionOf.get(a.id) ?? null, add: counted })), records[0]!.chain);
  await enqueueWebhook(run, "approval.decided", settled.map((a) => settledPayload(s, a)));
  await reissueReceipts(run, settled.map((a) => ({ id: a.id, status: a.status, decision: decisionOf(a.status), decidedAt: a.decidedAt })));
  await run(notifyManySql(CHANNEL.actions, settled.map((a) => a.id)), []);
  return settled;
}
