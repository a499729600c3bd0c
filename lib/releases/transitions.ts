import { appendAuditEvents, type AuditKind } from "../audit/index.ts";
import type { SqlRunner } from "../db/index.ts";
import { WardenError } from "../errors/index.ts";
import { CHANNEL, notifySql } from "../events/index.ts";
import { enqueueWebhook, type RolloutGuardFacts, type RolloutRef } from "../webhooks/index.ts";
import type { GuardResult } from "./evaluate.ts";
import { readRollout, shareOf, toDbRolloutStatus, type Rollout, type RolloutStatus } from "./rollout-row.ts";
import { agentForAudit } from "./versions.ts";

/** Who moves a rollout: an operator (with a reason) or Warden's guard job. */
export type TransitionActor = { actor: string; by: string; reason: string; cause: "automatic" | "operator" };

/**
 * A move of a rollout's state machine:
 *
 *   running ──pause──▶ paused ──resume──▶ running
 *   running|paused ──advance──▶ same status, next step (share of the next step)
 *   running|paused ──rollback──▶ rolled_back   (candidate share 0 at once)
 *   running|paused ──complete──▶ completed     (the candidate becomes the current version)
 *   running|paused ──end──▶ ended              (experiments: an operator stops it, nothing changes)
 *
 * rolled_back, completed and ended are final.
 */
export type Transition =
  | { kind: "pause" }
  | { kind: "resume" }
  | { kind: "advance" }
  | { kind: "rollback"; guard: GuardResult | null }
  | { kind: "complete" }
  | { kind: "end" };

const FROM: Record<Transition["kind"], RolloutStatus[]> = {
  pause: ["running"],
  resume: ["paused"],
  advance: ["running", "paused"],
  rollback: ["running", "paused"],
  complete: ["running", "paused"],
  end: ["running", "paused"],
};

const TO: Record<Transition["kind"], (r: Rollout) => RolloutStatus> = {
  pause: () => "paused",
  resume: () => "running",
  advance: (r) => r.status,
  rollback: () => "rolled_back",
  complete: () => "completed",
  end: () => "ended",
};

const KIND: Record<Transition["kind"], AuditKind> = {
  pause: "rollout.paused",
  resume: "rollout.resumed",
  advance: "rollout.step",
  rollback: "rollout.rolled_back",
  complete: "rollout.completed",
  end: "rollout.ended",
};

const pct = (v: number) => `${(v * 100).toFixed(2)} %`;

/** Why a guard rolled a rollout back, in one sentence for people. */
export function guardReason(g: GuardResult): string {
  const [lo, hi] = g.interval ?? [NaN, NaN];
  return `${g.metric} regressed: candidate ${pct(g.candidate.rate)} (n=${g.candidate.n}) vs baseline ${pct(g.baseline.rate)} (n=${g.baseline.n}); the always-valid interval for the excess over what is tolerated, [${pct(lo)}, ${pct(hi)}], lies above 0 (α ${+g.alpha.toPrecision(3)})`;
}

export const guardFacts = (g: GuardResult): RolloutGuardFacts => ({
  metric: g.metric,
  candidate: g.candidate,
  baseline: g.baseline,
  interval: g.interval,
  verdict: g.verdict,
  ...(g.maxRelativeIncrease !== undefined ? { maxRelativeIncrease: g.maxRelativeIncrease } : {}),
  ...(g.maxAbsoluteIncrease !== undefined ? { maxAbsoluteIncrease: g.maxAbsoluteIncrease } : {}),
});

/**
 * Applies one transition to a rollout whose row the caller's transaction holds locked (`FOR
 * UPDATE`, see readRollout) — the only writer of rollout state. In the same transaction:
 * the row, the agent's current version (on completion), one audit event, the webhook
 * (`rollout.step`, `rollout.rolled_back`, `rollout.completed`), and a NOTIFY on
 * CHANNEL.releases so every instance re-reads the agent's assignment at once. Pending actions
 * of the candidate are left as they are.
 *
 * @throws rollout_ended (the rollout is final, or the move is not allowed from its status)
 */
export async function applyTransition(run: SqlRunner, r: Rollout, t: Transition, who: TransitionActor): Promise<Rollout> {
  if (!FROM[t.kind].includes(r.status)) {
    throw new WardenError("rollout_ended", `This rollout is ${r.status.replace("_", " ")}; it can't ${t.kind === "advance" ? "be promoted" : t.kind === "end" ? "be ended" : t.kind === "rollback" ? "be rolled back" : t.kind} now`);
  }
  const agent = await agentForAudit(run, r.agentId);
  const to = TO[t.kind](r);
  const final = to === "rolled_back" || to === "completed" || to === "ended";
  const step = t.kind === "advance" ? r.step + 1 : r.step;
  const reason = t.kind === "rollback" && t.guard ? guardReason(t.guard) : who.reason;
  await run(
    `UPDATE rollouts SET status = $2::"RolloutStatus", step = $3, step_started_at = CASE WHEN $3 <> step THEN now() ELSE step_started_at END,
            ended_at = CASE WHEN $4 THEN now() END, ended_reason = CASE WHEN $4 THEN $5 END, ended_by = CASE WHEN $4 THEN $6 END, updated_at = now()
      WHERE id = $1`,
    [r.id, toDbRolloutStatus(to), step, final, reason, who.by],
  );
  if (t.kind === "complete") {
    await run(`UPDATE agent_versions SET current = (version = $2) WHERE agent_id = $1 AND (current OR version = $2)`, [r.agentId, r.candidate]);
  }
  const next = (await readRollout(run, r.id))!;
  const share = shareOf(next);
  const ref: RolloutRef = { rolloutId: r.id, agentId: r.agentId, agent: agent.name, candidate: r.candidate, baseline: r.baseline, mode: r.mode };
  const at = new Date().toISOString();
  const guard = t.kind === "rollback" && t.guard ? guardFacts(t.guard) : null;
  await appendAuditEvents(run, [
    {
      actor: who.actor,
      kind: KIND[t.kind],
      subject: `rollout:${r.id}`,
      agentId: r.agentId,
      cohort: agent.cohort,
      data: {
        candidate: r.candidate,
        baseline: r.baseline,
        mode: r.mode,
        from: { status: r.status, step: r.step, share: shareOf(r) },
        to: { status: next.status, step: next.step, share },
        cause: t.kind === "rollback" ? (t.guard ? "guard" : "operator") : who.cause,
        reason,
        ...(guard && t.kind === "rollback" && t.guard ? { guard: { ...guard, alpha: t.guard.alpha, rule: t.guard.rule } } : {}),
      },
    },
  ]);
  if (t.kind === "advance") {
    await enqueueWebhook(run, "rollout.step", { ...ref, step: next.step, share, previousShare: shareOf(r), cause: who.cause, by: who.by, reason, at });
  } else if (t.kind === "rollback") {
    await enqueueWebhook(run, "rollout.rolled_back", { ...ref, step: r.step, share: shareOf(r), cause: t.guard ? "guard" : "operator", guard, by: who.by, reason, at });
  } else if (t.kind === "complete") {
    await enqueueWebhook(run, "rollout.completed", { ...ref, steps: r.steps, cause: who.cause, by: who.by, reason, at });
  }
  await run(notifySql, [CHANNEL.releases, r.agentId]);
  return next;
}
