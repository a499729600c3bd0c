import type { OnTimeout } from "../actions/index.ts";
import type { PolicySpec } from "./types.ts";

/** One stage of a combined approval, naming its team (resolved to an id when the action is routed). */
export type StagePlan = { team: string | null; quorum: number; timeoutSeconds: number; onTimeout: OnTimeout };

/** What the matched require_approval policies ask of people, together. */
export type ApprovalPlan = {
  /** The first stage's quorum (single stage: the largest quorum). */
  quorum: number;
  /** Single stage: the shortest timeout. Staged: the sum of the stages' timeouts. */
  timeoutSeconds: number;
  /** null: no matched policy has stages (one stage, as before escalation paths). */
  stages: StagePlan[] | null;
  fallbackTeam: string | null;
  /** Input paths every matched policy lets approvers change. */
  editable: string[];
};

type Approval = PolicySpec["approval"];

// Which onTimeout wins when two policies give one team a stage: the one that denies soonest.
const STRICTNESS: Record<OnTimeout, number> = { reject: 3, expire: 2, escalate: 1, approve: 0 };

/**
 * Combines the approvals of the matched require_approval policies, given in policy priority
 * order (highest first). The strictest wins:
 * - none has stages: one stage with the largest quorum and the shortest timeout (as before);
 * - else the union of their stages: each policy's stages in its own order (a policy without
 *   stages counts as one stage with no team — any approver — its quorum and timeout, and
 *   expiry at that timeout), policies in priority order; a team named by several policies gets
 *   one stage, at its first place, with the largest quorum, the shortest timeout and the
 *   strictest onTimeout (reject, then expire, then escalate, then approve);
 * - the fallback team is the first one named in priority order;
 * - `editable`: only the paths every matched policy lists (a policy without `editable` allows none).
 */
export function combineApprovals(approvals: Approval[]): ApprovalPlan {
  const list = approvals.map((a) => a ?? { quorum: 1, timeoutSeconds: 3600 });
  let editable = list[0]?.editable ?? [];
  for (const a of list.slice(1)) editable = editable.filter((p) => (a.editable ?? []).includes(p));
  if (!list.some((a) => a.stages)) {
    return {
      quorum: Math.max(1, ...list.map((a) => a.quorum)),
      timeoutSeconds: Math.min(...list.map((a) => a.timeoutSeconds)),
      stages: null,
      fallbackTeam: null,
      editable,
    };
  }
  const stages: StagePlan[] = [];
  for (const a of list) {
    const own: StagePlan[] = a.stages
      ? a.stages.map((s) => ({ team: s.team ?? null, quorum: s.quorum, timeoutSeconds: s.timeoutSeconds, onTimeout: s.onTimeout }))
      : [{ team: null, quorum: a.quorum, timeoutSeconds: a.timeoutSeconds, onTimeout: "expire" }];
    for (const s of own) {
      const same = stages.find((x) => x.team === s.team);
      if (!same) stages.push({ ...s });
      else {
        same.quorum = Math.max(same.quorum, s.quorum);
        same.timeoutSeconds = Math.min(same.timeoutSeconds, s.timeoutSeconds);
        if (STRICTNESS[s.onTimeout] > STRICTNESS[same.onTimeout]) same.onTimeout = s.onTimeout;
      }
    }
  }
  return {
    quorum: stages[0]!.quorum,
    timeoutSeconds: stages.reduce((t, s) => t + s.timeoutSeconds, 0),
    stages,
    fallbackTeam: list.find((a) => a.fallbackTeam)?.fallbackTeam ?? null,
    editable,
  };
}
