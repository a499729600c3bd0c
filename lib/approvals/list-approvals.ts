import { z } from "zod";
import { pool } from "../db/index.ts";
import { awaitingDecisionSql, type Reason } from "../actions/index.ts";

export const listApprovalsSchema = z.object({
  status: z.enum(["pending", "decided"]).default("pending"),
  cohort: z.string().max(48).optional(),
  agent: z.string().max(64).optional(),
  policy: z.string().max(80).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(100),
});
export type ListApprovalsInput = z.infer<typeof listApprovalsSchema>;

export type ApprovalItem = {
  actionId: string;
  action: string;
  resource: string;
  input: Record<string, unknown>;
  context: Record<string, unknown>;
  status: string;
  reasons: Reason[];
  quorum: number;
  expiresAt: string | null;
  createdAt: string;
  decidedAt: string | null;
  waitedMs: number | null;
  agent: { id: string; name: string; cohort: string; owner: string; riskTier: string };
  votes: { userId: string; email: string; name: string; vote: "approve" | "reject"; comment: string; at: string }[];
};

type Row = {
  id: string; action: string; resource: string; input: Record<string, unknown>; context: Record<string, unknown>; status: string; reasons: Reason[];
  quorum: number | null; expires_at: Date | null; created_at: Date; decided_at: Date | null; agent_id: string; name: string; cohort: string; owner: string; risk_tier: string;
  votes: { userId: string; email: string; name: string; vote: string; comment: string; at: string }[] | null;
};

/**
 * The approval queue (pending, oldest first) or its history (decided by a human or by time,
 * newest first), each with the agent, its owner, the policies that asked, and the votes.
 */
export async function listApprovals(q: ListApprovalsInput): Promise<ApprovalItem[]> {
  const where: string[] = [q.status === "pending" ? awaitingDecisionSql("a") : `a.quorum IS NOT NULL AND a.status IN ('APPROVED', 'REJECTED', 'EXPIRED')`];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace("?", `$${params.length}`));
  };
  if (q.cohort) add("a.cohort = ?", q.cohort);
  if (q.agent) {
    params.push(q.agent);
    where.push(`(a.agent_id = $${params.length} OR g.name = $${params.length})`);
  }
  if (q.policy) add(`a.reasons @> jsonb_build_array(jsonb_build_object('policyName', ?::text))`, q.policy);
  params.push(q.limit);
  const { rows } = await pool().query<Row>(
    `SELECT a.id, a.action, a.resource, a.input, a.context, a.status, a.reasons, a.quorum, a.expires_at, a.created_at, a.decided_at,
            a.agent_id, g.name, a.cohort, g.owner, g.risk_tier,
            (SELECT jsonb_agg(jsonb_build_object('userId', v.user_id, 'email', u.email, 'name', u.name, 'vote', lower(v.vote::text), 'comment', v.comment, 'at', v.created_at) ORDER BY v.created_at)
               FROM approvals v JOIN users u ON u.id = v.user_id WHERE v.action_id = a.id) AS votes
       FROM actions a JOIN agents g ON g.id = a.agent_id
      WHERE ${where.join(" AND ")}
      ORDER BY ${q.status === "pending" ? "a.created_at ASC" : "a.decided_at DESC NULLS LAST"} LIMIT $${params.length}`,
    params,
  );
  return rows.map((r) => ({
    actionId: r.id,
    action: r.action,
    resource: r.resource,
    input: r.input,
    context: r.context,
    status: r.status.toLowerCase(),
    reasons: r.reasons,
    quorum: r.quorum ?? 1,
    expiresAt: r.expires_at?.toISOString() ?? null,
    createdAt: r.created_at.toISOString(),
    decidedAt: r.decided_at?.toISOString() ?? null,
    waitedMs: r.decided_at ? r.decided_at.getTime() - r.created_at.getTime() : null,
    agent: { id: r.agent_id, name: r.name, cohort: r.cohort, owner: r.owner, riskTier: r.risk_tier.toLowerCase() },
    votes: (r.votes ?? []).map((v) => ({ ...v, vote: v.vote as "approve" | "reject" })),
  }));
}

export async function pendingCount(): Promise<{ pending: number; oldestAt: string | null }> {
  const { rows } = await pool().query<{ n: number; oldest: Date | null }>(`SELECT count(*)::int AS n, min(created_at) AS oldest FROM actions WHERE ${awaitingDecisionSql()}`);
  return { pending: rows[0]?.n ?? 0, oldestAt: rows[0]?.oldest?.toISOString() ?? null };
}
