import { EXPIRED_REASON } from "./reasons.ts";

/**
 * Escalation paths: the stages a pending action climbs (README "Escalation paths").
 *
 * A staged action stores its routing (`actions.approval`) and where it stands: the current
 * stage (`stage_index`), that stage's team (`stage_team_id`, NULL for "any approver") and its
 * deadline (`stage_expires_at`); `quorum` is the current stage's quorum and `expires_at` the
 * latest moment it can still be pending (the remaining stages' timeouts, fallback included).
 * A single-stage approval (every policy without `stages`) has no routing stages and expires
 * at `expires_at`, as before.
 *
 * ```
 * stage i ──quorum of its team approves──► stage i+1 (or approved, after the last)
 *    │ any rejection ─────────────────────► rejected
 *    └ time runs out: onTimeout
 *        escalate ─► stage i+1; after the last, the fallback team (quorum 1); else expired
 *        approve  ─► stage i+1 (the stage passed by timeout); after the last, approved
 *        reject   ─► rejected
 *        expire   ─► expired   (a single-stage policy's stage inside a union of stages)
 * ```
 */

/** What a policy's stage may say to do when its time runs out. */
export const ON_TIMEOUT = ["escalate", "reject", "approve"] as const;
/** `expire` is internal: a policy without stages contributes one such stage to a union. */
export type OnTimeout = (typeof ON_TIMEOUT)[number] | "expire";

export type RoutedStage = {
  /** The team's name; null: any approver. */
  team: string | null;
  /** The team's id when the action was routed; `missing:<name>` if it no longer existed (then only admins can act). */
  teamId: string | null;
  quorum: number;
  timeoutSeconds: number;
  onTimeout: OnTimeout;
  /** The fallback team's stage, appended when the last stage escalated. */
  fallback?: true;
};

/** A pending action's routing, as stored in `actions.approval`. */
export type ApprovalRouting = {
  /** null: a single-stage approval. */
  stages: RoutedStage[] | null;
  fallbackTeam: { id: string; name: string } | null;
  /** Input paths (`input.price`) an approver may change when approving. */
  editable: string[];
};

/** The stage an answer or a queue item shows. */
export type StageView = { index: number; of: number; team: string | null; expiresAt: string | null };

/** The columns a stage is read from. */
export type StageColumns = {
  status: string;
  approval?: unknown;
  stage_index?: number | null;
  stage_expires_at?: Date | null;
  expires_at: Date | null;
};

/** The routing stored on an action, or null (none stored: a plain single-stage approval). */
export function routingOf(approval: unknown): ApprovalRouting | null {
  if (!approval || typeof approval !== "object") return null;
  const r = approval as Partial<ApprovalRouting>;
  return { stages: Array.isArray(r.stages) ? r.stages : null, fallbackTeam: r.fallbackTeam ?? null, editable: Array.isArray(r.editable) ? r.editable : [] };
}

/**
 * The current stage of a pending action ({index, of, team, expiresAt}); a single-stage approval
 * reads as stage 0 of 1 with no team, expiring at its `expires_at`. Null when not pending.
 */
export function stageView(r: StageColumns): StageView | null {
  if (r.status !== "PENDING") return null;
  const stages = routingOf(r.approval)?.stages;
  if (stages && r.stage_index !== null && r.stage_index !== undefined) {
    return { index: r.stage_index, of: stages.length, team: stages[r.stage_index]?.team ?? null, expiresAt: r.stage_expires_at?.toISOString() ?? null };
  }
  return { index: 0, of: 1, team: null, expiresAt: r.expires_at?.toISOString() ?? null };
}

/** "stage 2 of 3 (finance)" — how messages name a stage. */
export function stageLabel(stages: RoutedStage[], index: number): string {
  const s = stages[index];
  return `stage ${index + 1} of ${stages.length} (${s?.team ?? "any approver"})`;
}

/**
 * Seconds the action can still be pending once stage `index` opens: the timeouts of that stage
 * and those after it, plus the fallback team's stage when the last one escalates to it.
 */
export function secondsLeftFrom(routing: ApprovalRouting, index: number): number {
  const stages = routing.stages ?? [];
  let s = 0;
  for (let i = index; i < stages.length; i++) s += stages[i]!.timeoutSeconds;
  const last = stages[stages.length - 1];
  if (last && routing.fallbackTeam && !last.fallback && last.onTimeout === "escalate") s += last.timeoutSeconds;
  return s;
}

/** What happens to a staged action whose current stage ran out of time. */
export type TimeoutPlan =
  | { kind: "advance"; to: number; routing: ApprovalRouting; onTimeout: "escalate" | "approve"; toFallbackTeam: boolean }
  | { kind: "settle"; outcome: "approved" | "rejected" | "expired"; message: string };

/** The fallback team's stage: one of its members decides, within the escalating stage's timeout, else it expires. */
function fallbackStage(from: RoutedStage, team: { id: string; name: string }): RoutedStage {
  return { team: team.name, teamId: team.id, quorum: 1, timeoutSeconds: from.timeoutSeconds, onTimeout: "expire", fallback: true };
}

/** Applies the current stage's `onTimeout` (see the diagram above). Pure. */
export function timeoutPlan(routing: ApprovalRouting, index: number): TimeoutPlan {
  const stages = routing.stages ?? [];
  const cur = stages[index];
  if (!cur) return { kind: "settle", outcome: "expired", message: EXPIRED_REASON.message };
  const label = stageLabel(stages, index);
  const hasNext = index < stages.length - 1;
  switch (cur.onTimeout) {
    case "reject":
      return { kind: "settle", outcome: "rejected", message: `No decision before ${label} timed out; its policy rejects on timeout` };
    case "expire":
      return { kind: "settle", outcome: "expired", message: EXPIRED_REASON.message };
    case "approve":
      if (hasNext) return { kind: "advance", to: index + 1, routing, onTimeout: "approve", toFallbackTeam: false };
      return { kind: "settle", outcome: "approved", message: `No decision before ${label} timed out; its policy approves on timeout` };
    case "escalate":
      if (hasNext) return { kind: "advance", to: index + 1, routing, onTimeout: "escalate", toFallbackTeam: false };
      if (routing.fallbackTeam && !cur.fallback) {
        return { kind: "advance", to: index + 1, routing: { ...routing, stages: [...stages, fallbackStage(cur, routing.fallbackTeam)] }, onTimeout: "escalate", toFallbackTeam: true };
      }
      return { kind: "settle", outcome: "expired", message: EXPIRED_REASON.message };
  }
}
