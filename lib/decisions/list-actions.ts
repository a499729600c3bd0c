import { z } from "zod";
import { listAuditEvents, type AuditEventView } from "../audit/index.ts";
import { pool, readReplicaOk } from "../db/index.ts";
import { badRequest, notFound } from "../errors/index.ts";
import { timeParam } from "../validation/index.ts";
import { markersFor } from "../redaction/index.ts";
import type { Reason } from "../actions/index.ts";
import { decisionOf, fromDbStatus, outcomeOf, type ActionStatus, type ApprovalOutcome, type Decision } from "../actions/index.ts";

export const listActionsSchema = z.object({
  agent: z.string().max(64).optional(),
  cohort: z.string().max(48).optional(),
  status: z.enum(["allowed", "denied", "pending", "approved", "rejected", "expired"]).optional(),
  action: z.string().max(128).optional(),
  // What happened after: a reported result of that kind, or none yet.
  result: z.enum(["succeeded", "failed", "none"]).optional(),
  flagged: z.enum(["true", "false"]).transform((v) => v === "true").optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  // A raw value (e-mail, phone, card, IBAN, a redacted field's value): actions whose stored
  // request or result held it, found by its redaction marker; Warden never stored the value.
  value: z.string().trim().min(3).max(256).optional(),
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
});
export type ListActionsInput = z.infer<typeof listActionsSchema>;

export type ActionView = {
  id: string;
  agentId: string;
  agentName: string;
  cohort: string;
  action: string;
  resource: string;
  input: unknown;
  context: unknown;
  decision: Decision;
  status: ActionStatus;
  /** An action that waited for people and was settled: how it ended (lib/actions outcome.ts); else null. */
  outcome: ApprovalOutcome | null;
  reasons: Reason[];
  shadow: Reason[];
  policyVersions: unknown;
  /** The knowledge-set versions the decision's policies evaluated. */
  knowledge: { set: string; version: number }[];
  quorum: number | null;
  expiresAt: string | null;
  decidedAt: string | null;
  result: { status: string; output: unknown; error: string | null; at: string } | null;
  flags: unknown;
  idempotencyKey: string | null;
  createdAt: string;
  approvals: ApprovalVoteView[];
};

export type ApprovalVoteView = { userId: string; name: string; email: string; vote: "approve" | "reject"; comment: string; at: string };

type Row = {
  id: string; agent_id: string; agent_name: string; cohort: string; action: string; resource: string; input: unknown; context: unknown;
  status: string; reasons: Reason[]; shadow: Reason[]; policy_versions: unknown; knowledge: { set: string; version: number }[]; quorum: number | null; expires_at: Date | null; decided_at: Date | null;
  result_status: string | null; result_output: unknown; result_error: string | null; result_at: Date | null; flags: unknown; idempotency_key: string | null; created_at: Date;
  settle_cause: string | null; changed: boolean;
};

const SELECT = `SELECT a.id, a.agent_id, g.name AS agent_name, a.cohort, a.action, a.resource, a.input, a.context, a.status, a.reasons, a.shadow,
  a.policy_versions, a.knowledge, a.quorum, a.expires_at, a.decided_at, a.result_status, a.result_output, a.result_error, a.result_at, a.flags, a.idempotency_key, a.created_at,
  a.settle_cause, (a.approved_input IS NOT NULL AND a.approved_input <> a.input) AS changed
  FROM actions a JOIN agents g ON g.id = a.agent_id`;

function view(r: Row, approvals: ApprovalVoteView[] = []): ActionView {
  const status = fromDbStatus(r.status);
  return {
    id: r.id,
    agentId: r.agent_id,
    agentName: r.agent_name,
    cohort: r.cohort,
    action: r.action,
    resource: r.resource,
    input: r.input,
    context: r.context,
    decision: decisionOf(status),
    status,
    outcome: outcomeOf({ status, cause: r.settle_cause, changed: r.changed }),
    reasons: r.reasons,
    shadow: r.shadow,
    policyVersions: r.policy_versions,
    knowledge: r.knowledge,
    quorum: r.quorum,
    expiresAt: r.expires_at?.toISOString() ?? null,
    decidedAt: r.decided_at?.toISOString() ?? null,
    result: r.result_status ? { status: r.result_status.toLowerCase(), output: r.result_output, error: r.result_error, at: r.result_at!.toISOString() } : null,
    flags: r.flags,
    idempotencyKey: r.idempotency_key,
    createdAt: r.created_at.toISOString(),
    approvals,
  };
}

/** The votes cast on these actions, oldest first, by action id. */
async function votesFor(ids: string[]): Promise<Map<string, ApprovalVoteView[]>> {
  const byAction = new Map<string, ApprovalVoteView[]>();
  if (!ids.length) return byAction;
  const { rows } = await pool().query<{ action_id: string; user_id: string; name: string; email: string; vote: string; comment: string; created_at: Date }>(
    `SELECT v.action_id, v.user_id, u.name, u.email, v.vote, v.comment, v.created_at FROM approvals v JOIN users u ON u.id = v.user_id
      WHERE v.action_id = ANY($1::text[]) ORDER BY v.created_at, v.id`,
    [ids],
  );
  for (const r of rows) {
    const list = byAction.get(r.action_id) ?? [];
    list.push({ userId: r.user_id, name: r.name, email: r.email, vote: r.vote === "APPROVE" ? "approve" : "reject", comment: r.comment, at: r.created_at.toISOString() });
    byAction.set(r.action_id, list);
  }
  return byAction;
}

/** Newest first; keyset-paginated on (created_at, id). */
export async function listActions(q: ListActionsInput): Promise<{ actions: ActionView[]; nextCursor: string | null }> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace("?", `$${params.length}`));
  };
  if (q.agent) add("a.agent_id = ?", q.agent);
  if (q.cohort) add("a.cohort = ?", q.cohort);
  if (q.status) add(`a.status = ?::"ActionStatus"`, q.status.toUpperCase());
  if (q.action) add("a.action = ?", q.action);
  if (q.result === "none") where.push("a.result_status IS NULL");
  else if (q.result) add(`a.result_status = ?::"ResultStatus"`, q.result.toUpperCase());
  // Enforced flags only: shadow ones carry `shadow: true`.
  if (q.flagged === true) where.push(`a.flags @? '$[*] ? (!(exists(@.shadow)))'`);
  if (q.flagged === false) where.push(`NOT a.flags @? '$[*] ? (!(exists(@.shadow)))'`);
  // The non-empty test lets PostgreSQL use the partial index actions_pii_markers_idx.
  if (q.value) add("a.pii_markers <> '{}'::text[] AND a.pii_markers && ?::text[]", markersFor(q.value));
  if (q.from) add("a.created_at >= ?", q.from);
  if (q.to) add("a.created_at < ?", q.to);
  if (q.cursor) {
    const [at, id] = q.cursor.split("|");
    const t = timeParam.safeParse(at ?? "");
    if (!id || !t.success) throw badRequest("invalid_cursor", "cursor is the nextCursor of a previous page");
    params.push(t.data, id);
    where.push(`(a.created_at, a.id) < ($${params.length - 1}, $${params.length})`);
  }
  params.push(q.limit + 1);
  // Replica-ok (lib/db `readReplicaOk`): history lists may be served by the read replica.
  const sql = `${SELECT} ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY a.created_at DESC, a.id DESC LIMIT $${params.length}`;
  const { rows } = (await readReplicaOk((db) => db.query<Row>(sql, params))).value;
  const slice = rows.slice(0, q.limit);
  const votes = await votesFor(slice.filter((r) => r.status !== "ALLOWED" && r.status !== "DENIED").map((r) => r.id));
  const page = slice.map((r) => view(r, votes.get(r.id)));
  const last = page[page.length - 1];
  return { actions: page, nextCursor: rows.length > q.limit && last ? `${last.createdAt}|${last.id}` : null };
}

/** One action's whole story: request, decision, result, and its audit events. */
export async function getAction(id: string): Promise<ActionView & { events: AuditEventView[] }> {
  const { rows } = await pool().query<Row>(`${SELECT} WHERE a.id = $1`, [id]);
  if (!rows[0]) throw notFound("Action");
  const [{ events }, votes] = await Promise.all([listAuditEvents({ subject: `action:${id}`, limit: 100 }), votesFor([id])]);
  return { ...view(rows[0], votes.get(id)), events: events.reverse() };
}

/** The kinds of action an agent asked for lately (for the timeline's filter). */
export async function listActionNames(agentId: string): Promise<string[]> {
  const { rows } = await pool().query<{ action: string }>(
    `SELECT DISTINCT action FROM (SELECT action FROM actions WHERE agent_id = $1 ORDER BY created_at DESC, id DESC LIMIT 5000) recent ORDER BY action`,
    [agentId],
  );
  return rows.map((r) => r.action);
}
