import { z } from "zod";
import { pool, readReplicaOk } from "../db/index.ts";
import { timeParam } from "../validation/index.ts";
import type { HashedEvent } from "./hash.ts";
import { ACTION_LOOKUP_SQL, actionLookupParams, resolveAuditSearch, SEARCH_ACTION_CAP, searchSql, type AuditSearch } from "./search.ts";

// Position after an event in (at, seq) order: "<at in epoch ms>.<seq>".
const CURSOR = /^\d{1,15}\.\d{1,18}$/; // seq stays within bigint
const cursorOf = (e: { at: string; seq: number }) => `${Date.parse(e.at)}.${e.seq}`;
function cursorParams(cursor: string): [Date, string] {
  const [ms, seq] = cursor.split(".");
  return [new Date(Number(ms)), seq!];
}

export const auditFilterSchema = z.object({
  agent: z.string().max(64).optional(),
  cohort: z.string().max(64).optional(),
  // Exact kind, or a family with a trailing `.*` (e.g. `agent.*`).
  kind: z.string().max(64).regex(/^[a-z0-9_.*-]+$/, "kind has letters, digits, _ . - and an optional trailing *").optional(),
  actor: z.string().max(80).optional(),
  subject: z.string().max(256).optional(),
  // Free text: the subject, or the resource / idempotency key (as stored, redacted) of the
  // action an event is about (search.ts).
  q: z
    .string()
    .max(200)
    .describe("Free text, case-insensitive: the subject, or the resource or idempotency key (as stored, redacted) of the action an event is about")
    .optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
});

export const auditQuerySchema = auditFilterSchema.extend({
  cursor: z.string().regex(CURSOR, "cursor is the nextCursor of a previous page").optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
});

export type AuditFilter = z.infer<typeof auditFilterSchema>;
export type AuditQuery = z.infer<typeof auditQuerySchema>;

export type AuditEventView = {
  seq: number;
  at: string;
  actor: string;
  kind: string;
  subject: string;
  agentId: string | null;
  cohort: string | null;
  data: unknown;
  chain: number;
  chainSeq: number;
  prevHash: string;
  hash: string;
};

/** An audit_events row as pg returns it. */
export type AuditRow = {
  seq: number;
  at: Date;
  actor: string;
  kind: string;
  subject: string;
  agent_id: string | null;
  cohort: string | null;
  data: unknown;
  chain: number;
  chain_seq: number;
  prev_hash: string;
  hash: string;
};

/** The columns an event's hash covers, as read back from the table. */
export function hashedFields(r: AuditRow): HashedEvent {
  return {
    seq: Number(r.seq),
    at: r.at,
    actor: r.actor,
    kind: r.kind,
    subject: r.subject,
    agentId: r.agent_id,
    cohort: r.cohort,
    data: r.data,
    chain: r.chain,
    chainSeq: Number(r.chain_seq),
    prevHash: r.prev_hash,
  };
}

export function toView(r: AuditRow): AuditEventView {
  return { ...hashedFields(r), at: r.at.toISOString(), hash: r.hash };
}

export const AUDIT_COLUMNS = "seq, at, actor, kind, subject, agent_id, cohort, data, chain, chain_seq, prev_hash, hash";

/** WHERE clause for a filter, `search` its resolved `q` (resolveAuditSearch); every value is a bind parameter. */
export function auditWhere(f: AuditFilter, params: unknown[], search: AuditSearch | null): string[] {
  const where: string[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace("?", `$${params.length}`));
  };
  const bind = (v: unknown) => {
    params.push(v);
    return `$${params.length}`;
  };
  if (f.agent) add("agent_id = ?", f.agent);
  if (f.cohort) add("cohort = ?", f.cohort);
  if (f.kind) {
    if (f.kind.endsWith("*")) add("kind LIKE ?", `${f.kind.slice(0, -1).replace(/[\\%_]/g, "\\$&")}%`);
    else add("kind = ?", f.kind);
  }
  if (f.actor) add("actor = ?", f.actor);
  if (f.subject) add("subject = ?", f.subject);
  if (search) where.push(searchSql(search, bind));
  if (f.from) add("at >= ?", f.from);
  if (f.to) add("at < ?", f.to);
  return where;
}

/**
 * Newest first, keyset-paginated on (at, seq), the order every audit index ends with: a page
 * is one index range scan, in the months the filter touches. Stable while events arrive.
 * `q` also finds the events of actions whose resource or idempotency key (as stored: redacted)
 * contains it (search.ts); `opts.actionCap` overrides SEARCH_ACTION_CAP (tests, bench).
 * Replica-ok (lib/db `readReplicaOk`): the audit explorer may be served by the read replica.
 */
export async function listAuditEvents(q: AuditQuery, opts: { actionCap?: number } = {}): Promise<{ events: AuditEventView[]; nextCursor: string | null }> {
  const { sql, params } = pageSql(q, q.q ? await resolveAuditSearch(q.q, opts.actionCap) : null);
  const { rows } = (await readReplicaOk((db) => db.query<AuditRow>(sql, params))).value;
  const more = rows.length > q.limit;
  const page = rows.slice(0, q.limit).map(toView);
  const last = page[page.length - 1];
  return { events: page, nextCursor: more && last ? cursorOf(last) : null };
}

/** The query of one page of listAuditEvents (its `limit` + 1 rows, to know whether more follow). */
function pageSql(q: AuditQuery, search: AuditSearch | null): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const where = auditWhere(q, params, search);
  if (q.cursor) {
    params.push(...cursorParams(q.cursor));
    where.push(`(at, seq) < ($${params.length - 1}::timestamptz, $${params.length}::bigint)`);
  }
  params.push(q.limit + 1);
  const sql = `SELECT ${AUDIT_COLUMNS} FROM audit_events ${where.length ? `WHERE ${where.join(" AND ")}` : ""}
               ORDER BY at DESC, seq DESC LIMIT $${params.length}`;
  return { sql, params };
}

/**
 * How PostgreSQL runs listAuditEvents(q, opts): EXPLAIN ANALYZE (costs off) of the action
 * lookup of a `q` (search.ts) and of the page query, as text lines, with which plan the search
 * took. For bench/queries.ts, which prints them at volume; runs the queries.
 */
export async function explainAuditEvents(q: AuditQuery, opts: { actionCap?: number } = {}): Promise<{ plan: "subjects" | "per-event" | null; lookup: string[]; page: string[] }> {
  const explain = async (sql: string, params: unknown[]) =>
    (await pool().query<{ "QUERY PLAN": string }>(`EXPLAIN (ANALYZE, COSTS OFF) ${sql}`, params)).rows.map((r) => r["QUERY PLAN"]);
  const search = q.q ? await resolveAuditSearch(q.q, opts.actionCap) : null;
  const lookup = search && q.q && q.q.length >= 3 ? await explain(ACTION_LOOKUP_SQL, actionLookupParams(search, opts.actionCap ?? SEARCH_ACTION_CAP)) : [];
  const { sql, params } = pageSql(q, search);
  return { plan: search ? (search.actionSubjects ? "subjects" : "per-event") : null, lookup, page: await explain(sql, params) };
}

/** Every event matching the filter, oldest first, fetched in keyset batches for streaming. */
export async function* iterateAuditEvents(f: AuditFilter, batch = 1000): AsyncGenerator<AuditEventView> {
  let after: [Date, number] | null = null;
  // Resolved once: an export is one consistent search, however many batches it takes.
  const search = f.q ? await resolveAuditSearch(f.q) : null;
  for (;;) {
    const params: unknown[] = [];
    const where = auditWhere(f, params, search);
    if (after) {
      params.push(...after);
      where.push(`(at, seq) > ($${params.length - 1}::timestamptz, $${params.length}::bigint)`);
    }
    params.push(batch);
    const { rows } = await pool().query<AuditRow>(
      `SELECT ${AUDIT_COLUMNS} FROM audit_events ${where.length ? `WHERE ${where.join(" AND ")}` : ""} ORDER BY at ASC, seq ASC LIMIT $${params.length}`,
      params,
    );
    for (const r of rows) yield toView(r);
    const last = rows[rows.length - 1];
    if (rows.length < batch || !last) return;
    after = [last.at, Number(last.seq)];
  }
}
