import { appendAuditEvents } from "../audit/index.ts";
import type { SqlRunner } from "../db/index.ts";
import { CHANNEL, notifyManySql } from "../events/index.ts";
import type { HandoffFacts } from "../webhooks/index.ts";
import { enqueueWebhook } from "../webhooks/index.ts";
import { escalatedPayload, requestedPayload, stageMovedEvent, type PendingFacts, type StageMoveFacts } from "./events.ts";
import type { Reason } from "./reasons.ts";
import { routingOf, secondsLeftFrom, stageView, timeoutPlan, type ApprovalRouting, type StageView } from "./stages.ts";

/** Why a staged action moves to its next stage. */
export type StageMove =
  | { cause: "vote"; actor: string; by: string } // the current stage reached its quorum
  | { cause: "timeout" }; // the current stage ran out of time and its onTimeout says climb (escalate / approve)

export type EscalatedAction = { id: string; from: StageView; to: StageView; toFallbackTeam: boolean };

type Row = {
  id: string; agent_id: string; agent_name: string; owner: string; cohort: string; action: string; resource: string; input: unknown; reasons: Reason[];
  quorum: number | null; approval: unknown; stage_index: number; stage_expires_at: Date | null; expires_at: Date | null; handoff: HandoffFacts | null;
};

/**
 * The stage transition of a pending action: it stays `pending` and moves to its next stage —
 * the next team, its quorum and deadline (`stage_expires_at`), and a new latest expiry. With
 * cause `timeout` the current stage's `onTimeout` must say climb (escalate, or approve with a
 * stage after it; after the last stage, escalate appends the fallback team's stage); with cause
 * `vote` its quorum was reached. In the caller's transaction, which must hold the rows locked
 * (`FOR UPDATE`): one audit event each (`approval.escalated` for a timeout, `approval.advanced`
 * for a vote), one webhook each (`approval.escalated`; for a vote, `approval.requested` for the
 * new stage's team), and a NOTIFY on `warden_actions` (queues refresh; long-polls answer with
 * the new stage). Actions that are no longer pending or staged, or whose timeout does not climb,
 * are left alone. Returns what it moved.
 *
 * Callers: a vote (lib/approvals) and the stage job (escalateDueActions).
 */
export async function escalatePending(run: SqlRunner, ids: string[], move: StageMove): Promise<EscalatedAction[]> {
  if (ids.length === 0) return [];
  const rows = await run<Row>(
    `SELECT a.id, a.agent_id, g.name AS agent_name, g.owner, a.cohort, a.action, a.resource, a.input, a.reasons, a.quorum, a.approval, a.stage_index,
            a.stage_expires_at, a.expires_at, a.handoff
       FROM actions a JOIN agents g ON g.id = a.agent_id
      WHERE a.id = ANY($1::text[]) AND a.status = 'PENDING' AND a.stage_index IS NOT NULL ORDER BY a.id`,
    [ids],
  );
  const moved: EscalatedAction[] = [];
  const audits: ReturnType<typeof stageMovedEvent>[] = [];
  const escalated: ReturnType<typeof escalatedPayload>[] = [];
  const requested: ReturnType<typeof requestedPayload>[] = [];
  for (const r of rows) {
    const routing = routingOf(r.approval);
    if (!routing?.stages) continue;
    let next: { to: number; routing: ApprovalRouting; onTimeout: "escalate" | "approve" | null; toFallbackTeam: boolean };
    if (move.cause === "timeout") {
      const plan = timeoutPlan(routing, r.stage_index);
      if (plan.kind !== "advance") continue;
      next = plan;
    } else {
      if (r.stage_index + 1 >= routing.stages.length) continue;
      next = { to: r.stage_index + 1, routing, onTimeout: null, toFallbackTeam: false };
    }
    const stage = next.routing.stages![next.to]!;
    const [updated] = await run<{ stage_expires_at: Date; expires_at: Date; at: Date }>(
      `UPDATE actions SET approval = $2::jsonb, stage_index = $3, stage_team_id = $4, quorum = $5,
              stage_expires_at = clock_timestamp() + make_interval(secs => $6), expires_at = clock_timestamp() + make_interval(secs => $7)
        WHERE id = $1 AND status = 'PENDING' AND stage_index = $8
        RETURNING stage_expires_at, expires_at, clock_timestamp() AS at`,
      [r.id, JSON.stringify(next.routing), next.to, stage.teamId, stage.quorum, stage.timeoutSeconds, secondsLeftFrom(next.routing, next.to), r.stage_index],
    );
    if (!updated) continue;
    const from = stageView({ status: "PENDING", approval: r.approval, stage_index: r.stage_index, stage_expires_at: r.stage_expires_at, expires_at: r.expires_at })!;
    const to = stageView({ status: "PENDING", approval: next.routing, stage_index: next.to, stage_expires_at: updated.stage_expires_at, expires_at: updated.expires_at })!;
    const facts: PendingFacts = {
      id: r.id, agentId: r.agent_id, agentName: r.agent_name, owner: r.owner, cohort: r.cohort, action: r.action, resource: r.resource, input: r.input,
      reasons: r.reasons, quorum: stage.quorum, expiresAt: updated.expires_at, stage: to, handoff: r.handoff,
    };
    const m: StageMoveFacts = {
      cause: move.cause,
      from,
      to,
      onTimeout: next.onTimeout,
      toFallbackTeam: next.toFallbackTeam,
      timedOutAt: move.cause === "timeout" ? r.stage_expires_at : null,
      actor: move.cause === "vote" ? move.actor : "system",
      by: move.cause === "vote" ? move.by : "system",
      at: updated.at,
    };
    audits.push(stageMovedEvent(m, facts));
    if (move.cause === "timeout") escalated.push(escalatedPayload(m, facts));
    else requested.push(requestedPayload(facts));
    moved.push({ id: r.id, from, to, toFallbackTeam: next.toFallbackTeam });
  }
  if (moved.length === 0) return [];
  await appendAuditEvents(run, audits);
  await enqueueWebhook(run, "approval.escalated", escalated);
  await enqueueWebhook(run, "approval.requested", requested);
  await run(notifyManySql(CHANNEL.actions, moved.map((a) => a.id)), []);
  return moved;
}
