import { z } from "zod";
import { awaitingDecisionSql, fromDbStatus, inputChanges, outcomeOf, routingOf, stageView, type ApprovalOutcome, type InputChange, type Reason, type RoutedStage, type StageView } from "../actions/index.ts";
import { can, type Principal } from "../auth/index.ts";
import { pool } from "../db/index.ts";
import { badRequest } from "../errors/index.ts";
import { timeParam } from "../validation/index.ts";
import type { HandoffFacts } from "../webhooks/index.ts";
import { approvalPolicyIds } from "./locked-action.ts";

export const listApprovalsSchema = z.object({
  status: z.enum(["pending", "decided"]).default("pending"),
  /** Only what the caller can act on now: their teams' current stages (and stages for any approver), not yet voted on. */
  mine: z
    .enum(["true", "false", "1", "0"])
    .transform((v) => v === "true" || v === "1")
    .optional(),
  cohort: z.string().max(48).optional(),
  agent: z.string().max(64).optional(),
  policy: z.string().max(80).optional(),
  /** One action (the approval page). */
  id: z.string().max(64).optional(),
  /** A team id or name: pending actions whose current stage is that team's. */
  team: z.string().max(64).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});
export type ListApprovalsInput = z.input<typeof listApprovalsSchema>;

export type ApprovalVoteItem = { userId: string; email: string; name: string; vote: "approve" | "reject"; comment: string; at: string; stage: number | null; override: boolean };

export type ApprovalItem = {
  actionId: string;
  action: string;
  resource: string;
  input: Record<string, unknown>;
  context: Record<string, unknown>;
  status: string;
  reasons: Reason[];
  /** The current stage's quorum (a single-stage approval's quorum). */
  quorum: number;
  expiresAt: string | null;
  createdAt: string;
  decidedAt: string | null;
  waitedMs: number | null;
  agent: { id: string; name: string; cohort: string; owner: string; riskTier: string };
  votes: ApprovalVoteItem[];
  /** Pending: the stage waiting now ({index, of, team, expiresAt}). */
  stage: StageView | null;
  /** The whole path (null: a single-stage approval). */
  stages: Omit<RoutedStage, "teamId">[] | null;
  /** Input paths an approver may change. */
  editable: string[];
  /** The agent asked for a human itself. */
  handoff: HandoffFacts | null;
  /** Changed by an approver: the input now proposed (pending) or approved, and what changed. */
  approvedInput: Record<string, unknown> | null;
  changes: InputChange[];
  /** The require_approval policies holding it (similar requests share them: bulk decisions). */
  policyIds: string[];
  /** Pending: approvals still needed at the current stage before it settles or moves on (null once decided). */
  votesNeeded: number | null;
  /** Decided: how it ended, in the one vocabulary of lib/actions outcome.ts (null while pending). */
  outcome: ApprovalOutcome | null;
  /**
   * What the caller can do now (pending items, when listed for a signed-in person), and their
   * own vote on it (`vote`: their latest, null if none).
   */
  you?: { canAct: boolean; override: boolean; voted: boolean; vote: "approve" | "reject" | null };
};

export type ApprovalCounts = {
  /** Everything pending. */
  all: number;
  /** What the caller can act on now. */
  mine: number;
  /** Pending per current-stage team (team null: any approver), with whether the caller is in it. */
  teams: { id: string | null; name: string; pending: number; member: boolean }[];
};

type Row = {
  in_team: boolean | null; voted: boolean | null; total: number | null;
  id: string; action: string; resource: string; input: Record<string, unknown>; context: Record<string, unknown>; status: string; reasons: Reason[];
  quorum: number | null; expires_at: Date | null; created_at: Date; decided_at: Date | null; agent_id: string; name: string; cohort: string; owner: string; risk_tier: string;
  approval: unknown; stage_index: number | null; stage_team_id: string | null; stage_expires_at: Date | null; handoff: HandoffFacts | null; approved_input: Record<string, unknown> | null;
  settle_cause: string | null;
  votes: { userId: string; email: string; name: string; vote: string; comment: string; at: string; stage: number | null; override: boolean }[] | null;
};

/** Who is asking: whether they can approve at all (their teams are read in SQL, beside the rows). */
function reach(principal: Principal | undefined) {
  if (!principal) return null;
  return { userId: principal.userId, decider: can(principal.role, "approvals:decide"), admin: principal.role === "admin" };
}
type Reach = ReturnType<typeof reach>;

// The caller's teams, as SQL (parameter `me` is their user id).
const IN_MY_TEAMS = (me: string) => `(a.stage_team_id IS NULL OR a.stage_team_id IN (SELECT team_id FROM team_members WHERE user_id = ${me}))`;

/**
 * The approval queue (pending, oldest first) or its history (decided by a human or by time,
 * newest first), keyset-paginated (`nextCursor`), each with the agent, its owner, the policies
 * that asked, the votes, the current stage and the whole path. `mine` keeps what the caller can
 * act on now: pending actions whose current stage is one of their teams' (or any approver's)
 * that they have not voted on. Pending lists also carry `total`, everything the filters match
 * on every page ("100 of 152"), and counts per team (`counts`).
 * Throws 400 invalid_cursor.
 */
export async function listApprovals(
  q: z.output<typeof listApprovalsSchema>,
  principal?: Principal,
): Promise<{ approvals: ApprovalItem[]; nextCursor: string | null; total?: number; counts?: ApprovalCounts }> {
  const pending = q.status === "pending";
  const where: string[] = [pending ? awaitingDecisionSql("a") : `a.quorum IS NOT NULL AND a.status IN ('APPROVED', 'REJECTED', 'EXPIRED')`];
  const params: unknown[] = [];
  const add = (v: unknown) => `$${params.push(v)}`;
  const me = reach(principal);
  const meParam = add(me?.userId ?? "");
  if (q.id) where.push(`a.id = ${add(q.id)}`);
  if (q.cohort) where.push(`a.cohort = ${add(q.cohort)}`);
  if (q.agent) {
    const p = add(q.agent);
    where.push(`(a.agent_id = ${p} OR g.name = ${p})`);
  }
  if (q.policy) where.push(`a.reasons @> jsonb_build_array(jsonb_build_object('policyName', ${add(q.policy)}::text))`);
  if (q.team) {
    const p = add(q.team);
    where.push(`a.stage_team_id IN (SELECT id FROM teams WHERE id = ${p} OR name = ${p})`);
  }
  if (q.mine) {
    if (!me?.decider || !pending) where.push("false");
    else where.push(`${IN_MY_TEAMS(meParam)} AND NOT EXISTS (SELECT 1 FROM approvals v WHERE v.action_id = a.id AND v.user_id = ${meParam})`);
  }
  const order = pending ? "a.created_at ASC, a.id ASC" : "a.decided_at DESC, a.id DESC";
  // Pending: everything the filters match, whatever the page (taken before the cursor's
  // condition), computed once inside the page's query (an uncorrelated subquery: no third
  // connection). History is not counted: it grows without bound, and nobody reads "of 1,204,311".
  // (`$1`, the caller's id, typed for the count alone: only the `mine` filter reads it.)
  const countSql = `SELECT count(*)::int FROM actions a JOIN agents g ON g.id = a.agent_id WHERE ${meParam}::text IS NOT NULL AND ${where.join(" AND ")}`;
  const countParams = [...params];
  if (q.cursor) {
    const [at, id] = q.cursor.split("|");
    const t = timeParam.safeParse(at ?? "");
    if (!id || !t.success) throw badRequest("invalid_cursor", "cursor is the nextCursor of a previous page");
    where.push(pending ? `(a.created_at, a.id) > (${add(t.data)}, ${add(id)})` : `(a.decided_at, a.id) < (${add(t.data)}, ${add(id)})`);
  }
  const limit = add(q.limit + 1);
  const listed = pool().query<Row>(
    `SELECT ${IN_MY_TEAMS(meParam)} AS in_team, EXISTS (SELECT 1 FROM approvals v WHERE v.action_id = a.id AND v.user_id = ${meParam}) AS voted,
            ${pending ? `(${countSql})` : "NULL::int"} AS total,
            a.id, a.action, a.resource, a.input, a.context, a.status, a.reasons, a.quorum, a.expires_at, a.created_at, a.decided_at,
            a.agent_id, g.name, a.cohort, g.owner, g.risk_tier, a.approval, a.stage_index, a.stage_team_id, a.stage_expires_at, a.handoff, a.approved_input, a.settle_cause,
            (SELECT jsonb_agg(jsonb_build_object('userId', v.user_id, 'email', u.email, 'name', u.name, 'vote', lower(v.vote::text), 'comment', v.comment, 'at', v.created_at,
                                                 'stage', v.stage, 'override', v.override) ORDER BY v.created_at)
               FROM approvals v JOIN users u ON u.id = v.user_id WHERE v.action_id = a.id) AS votes
       FROM actions a JOIN agents g ON g.id = a.agent_id
      WHERE ${where.join(" AND ")}
      ORDER BY ${order} LIMIT ${limit}`,
    params,
  );
  // The page and the counts are independent: two connections at once.
  const [{ rows }, counts] = await Promise.all([listed, pending ? countApprovals(me) : null]);
  // An empty page past a cursor carries no row to read the total from: count on its own.
  const total = !pending ? null : rows[0] ? rows[0].total : q.cursor ? (await pool().query<{ n: number }>(`SELECT (${countSql}) AS n`, countParams)).rows[0]?.n : 0;
  const page = rows.slice(0, q.limit).map((r) => item(r, me));
  const last = page[page.length - 1];
  const lastKey = last ? (pending ? last.createdAt : last.decidedAt) : null;
  const nextCursor = rows.length > q.limit && last && lastKey ? `${lastKey}|${last.actionId}` : null;
  return { approvals: page, nextCursor, ...(pending ? { total: total ?? 0 } : {}), ...(counts ? { counts } : {}) };
}

function item(r: Row, me: Reach): ApprovalItem {
  const routing = routingOf(r.approval);
  const votes = (r.votes ?? []).map((v) => ({ ...v, vote: v.vote as "approve" | "reject", stage: v.stage ?? null, override: v.override ?? false }));
  const changes = r.approved_input ? inputChanges(r.input, r.approved_input) : [];
  const quorum = r.quorum ?? 1;
  const pending = r.status === "PENDING";
  // The current stage's approvals (a single-stage approval's: all of them).
  const approvals = votes.filter((v) => v.vote === "approve" && (r.stage_index === null || v.stage === r.stage_index)).length;
  const out: ApprovalItem = {
    actionId: r.id,
    action: r.action,
    resource: r.resource,
    input: r.input,
    context: r.context,
    status: r.status.toLowerCase(),
    reasons: r.reasons,
    quorum,
    expiresAt: r.expires_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    decidedAt: r.decided_at?.toISOString() ?? null,
    waitedMs: r.decided_at ? r.decided_at.getTime() - r.created_at.getTime() : null,
    agent: { id: r.agent_id, name: r.name, cohort: r.cohort, owner: r.owner, riskTier: r.risk_tier.toLowerCase() },
    votes,
    stage: stageView(r),
    stages: routing?.stages?.map((s) => ({ team: s.team, quorum: s.quorum, timeoutSeconds: s.timeoutSeconds, onTimeout: s.onTimeout, ...(s.fallback ? { fallback: s.fallback } : {}) })) ?? null,
    editable: routing?.editable ?? [],
    handoff: r.handoff,
    approvedInput: r.approved_input,
    changes,
    policyIds: approvalPolicyIds(r),
    votesNeeded: pending ? Math.max(0, quorum - approvals) : null,
    outcome: outcomeOf({ status: fromDbStatus(r.status), cause: r.settle_cause, changed: changes.length > 0 }),
  };
  if (me && pending) {
    const voted = r.voted === true;
    const inTeam = r.in_team === true;
    const mine = votes.filter((v) => v.userId === me.userId).pop();
    out.you = { canAct: me.decider && !voted && (inTeam || me.admin), override: me.decider && !inTeam && me.admin, voted, vote: mine?.vote ?? null };
  }
  return out;
}

/** Pending per current-stage team, and how many the caller can act on now (one query; the caller's own teams show even when nothing waits for them). */
async function countApprovals(me: Reach): Promise<ApprovalCounts> {
  const { rows } = await pool().query<{ team_id: string | null; name: string | null; n: number; open: number; in_team: boolean }>(
    `SELECT a.stage_team_id AS team_id, t.name, count(*)::int AS n,
            count(*) FILTER (WHERE NOT EXISTS (SELECT 1 FROM approvals v WHERE v.action_id = a.id AND v.user_id = $1))::int AS open,
            (a.stage_team_id IS NULL OR a.stage_team_id IN (SELECT team_id FROM team_members WHERE user_id = $1)) AS in_team
       FROM actions a LEFT JOIN teams t ON t.id = a.stage_team_id
      WHERE ${awaitingDecisionSql("a")} GROUP BY a.stage_team_id, t.name
     UNION ALL
     SELECT t.id, t.name, 0, 0, true FROM team_members m JOIN teams t ON t.id = m.team_id
      WHERE m.user_id = $1 AND NOT EXISTS (SELECT 1 FROM actions a WHERE ${awaitingDecisionSql("a")} AND a.stage_team_id = t.id)`,
    [me?.userId ?? ""],
  );
  const member = (r: { in_team: boolean }) => Boolean(me?.decider) && r.in_team;
  const teams = rows.map((r) => ({ id: r.team_id, name: r.team_id === null ? "any approver" : (r.name ?? r.team_id.replace(/^missing:/, "")), pending: r.n, member: member(r) }));
  teams.sort((a, b) => Number(b.member) - Number(a.member) || (a.id === null ? 1 : b.id === null ? -1 : a.name.localeCompare(b.name)));
  return {
    all: rows.reduce((s, r) => s + r.n, 0),
    mine: rows.filter(member).reduce((s, r) => s + r.open, 0),
    teams,
  };
}

/** How many actions wait for a human, the oldest, and how many the caller can act on now. */
export async function pendingCount(principal?: Principal): Promise<{ pending: number; oldestAt: string | null; mine?: number }> {
  const { rows } = await pool().query<{ n: number; oldest: Date | null }>(`SELECT count(*)::int AS n, min(created_at) AS oldest FROM actions WHERE ${awaitingDecisionSql()}`);
  const base = { pending: rows[0]?.n ?? 0, oldestAt: rows[0]?.oldest?.toISOString() ?? null };
  if (!principal) return base;
  return { ...base, mine: (await countApprovals(reach(principal))).mine };
}
