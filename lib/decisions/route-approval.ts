import { secondsLeftFrom, type ApprovalRouting, type InitialStatus, type Reason, type RoutedStage } from "../actions/index.ts";
import type { Evaluation } from "../policies/index.ts";
import { teamDirectory, type TeamDirectory, type TeamRef } from "../teams/index.ts";
import type { HandoffFacts } from "../webhooks/index.ts";

/** How long a hand-off waits when no policy sets a timeout. */
export const HANDOFF_TIMEOUT_SECONDS = 3600;

export type Routed = {
  status: InitialStatus;
  reasons: Reason[];
  quorum: number | null;
  timeoutSeconds: number | null;
  routing: ApprovalRouting | null;
};

/** The reason a hand-off adds: the agent's own words (redacted later like every reason). */
export function handoffReason(h: HandoffFacts): Reason {
  return { code: "handoff", message: `The agent asked for a human: ${h.reason}${h.confidence !== null ? ` (confidence ${h.confidence})` : ""}` };
}

/**
 * Where a decision's people come from (README "Escalation paths"). A deny stays a deny. A
 * pending decision routes by the matched policies' combined stages (team names resolved to ids;
 * an unknown team becomes `missing:<name>`, which only admins can act in — fail closed), or as
 * one stage for any approver when no policy has stages. A hand-off is always pending: routed
 * by the policies' stages when they have some, else to the cohort's default team (one stage,
 * the policies' quorum and timeout or 1 and an hour), else to any approver.
 */
export async function routeApproval({ evaluation, handoff, cohort }: { evaluation: Evaluation; handoff: HandoffFacts | null; cohort: string }): Promise<Routed> {
  if (evaluation.decision === "deny" || (evaluation.decision === "allow" && !handoff)) {
    return { status: evaluation.decision === "deny" ? "denied" : "allowed", reasons: evaluation.reasons, quorum: null, timeoutSeconds: null, routing: null };
  }
  const plan = evaluation.approval;
  const reasons = evaluation.decision === "pending" ? [...evaluation.reasons, ...(handoff ? [handoffReason(handoff)] : [])] : [handoffReason(handoff!)];
  const editable = plan?.editable ?? [];
  let directory: TeamDirectory | null = null;
  const dir = async () => (directory ??= await teamDirectory().get());
  const resolve = async (name: string): Promise<TeamRef | null> => {
    const hit = (await dir()).byName.get(name);
    if (hit) return hit;
    // Created a moment ago on another instance, before its NOTIFY arrived: look again once.
    teamDirectory().invalidate();
    directory = await teamDirectory().get();
    return directory.byName.get(name) ?? null;
  };
  let stages: RoutedStage[] | null = null;
  let fallbackTeam: TeamRef | null = null;
  if (plan?.stages) {
    stages = [];
    for (const s of plan.stages) {
      const team = s.team === null ? null : await resolve(s.team);
      stages.push({ team: s.team, teamId: s.team === null ? null : (team?.id ?? `missing:${s.team}`), quorum: s.quorum, timeoutSeconds: s.timeoutSeconds, onTimeout: s.onTimeout });
    }
    fallbackTeam = plan.fallbackTeam ? await resolve(plan.fallbackTeam) : null;
  } else if (handoff) {
    const team = (await dir()).defaultOf.get(cohort);
    if (team) stages = [{ team: team.name, teamId: team.id, quorum: plan?.quorum ?? 1, timeoutSeconds: plan?.timeoutSeconds ?? HANDOFF_TIMEOUT_SECONDS, onTimeout: "expire" }];
  }
  const routing: ApprovalRouting | null = stages || editable.length ? { stages, fallbackTeam, editable } : null;
  if (routing?.stages) return { status: "pending", reasons, quorum: routing.stages[0]!.quorum, timeoutSeconds: secondsLeftFrom(routing, 0), routing };
  return { status: "pending", reasons, quorum: plan?.quorum ?? 1, timeoutSeconds: plan?.timeoutSeconds ?? HANDOFF_TIMEOUT_SECONDS, routing };
}
