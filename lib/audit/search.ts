import { pool } from "../db/index.ts";

/**
 * Up to this many actions matching a search, their events are fetched by subject (one btree
 * probe per action and partition); past it, the log is walked newest first and each event's
 * action checked (a primary-key probe per event), which is cheaper when matches are dense.
 * Where the two cost the same at a million actions and events (bench/queries.ts prints both).
 */
export const SEARCH_ACTION_CAP = 2000;

/**
 * How the explorer's free text `q` is matched: the event's subject, or — for events about an
 * action (`action:<id>`) — the action's resource and idempotency key, as stored. Both are stored
 * redacted (lib/redaction: PII became `[redacted:kind:hash]` markers before the row was
 * written), so the search only ever sees what any reader of the log already sees: a redacted
 * phone number or e-mail can't be found by typing it (that is find-by-value's job, with its own
 * permission and keyed hashing), and the search is no oracle for it.
 *
 * `like`: the ILIKE pattern (`%q%`, wildcards escaped). `actionSubjects`: the subjects of every
 * matching action when there are at most SEARCH_ACTION_CAP of them; null when there are more,
 * or when `q` is under 3 characters (no trigram to look up), and then the SQL checks the action
 * of each event instead (see searchSql).
 */
export type AuditSearch = { like: string; actionSubjects: string[] | null };

/** The subjects of the actions matching $1 (an ILIKE pattern), at most $2. */
export const ACTION_LOOKUP_SQL = `SELECT 'action:' || id AS s FROM actions WHERE resource ILIKE $1 OR idempotency_key ILIKE $1 LIMIT $2`;

/** `%q%` for ILIKE, with `\`, `%` and `_` taken literally. */
export const likePattern = (q: string) => `%${q.replace(/[\\%_]/g, "\\$&")}%`;

/**
 * Looks the search up among actions (trigram GIN index actions_search_trgm_idx on resource and
 * idempotency key; pg_trgm). One query, at most `cap` + 1 rows (`cap`: SEARCH_ACTION_CAP;
 * tests and bench/queries.ts lower it to exercise the other plan).
 */
export async function resolveAuditSearch(q: string, cap: number = SEARCH_ACTION_CAP): Promise<AuditSearch> {
  const like = likePattern(q);
  if (q.length < 3) return { like, actionSubjects: null };
  const { rows } = await pool().query<{ s: string }>(ACTION_LOOKUP_SQL, [like, cap + 1]);
  return { like, actionSubjects: rows.length > cap ? null : rows.map((r) => r.s) };
}

/**
 * The WHERE term of a resolved search over audit_events; `bind` adds a parameter and returns
 * its placeholder. Few matching actions: subject ILIKE (trigram index) OR subject = ANY(those
 * subjects) (the subject btree index), a BitmapOr per partition. Many: the same test per event,
 * the action read by primary key, on whatever index walk the other filters choose.
 */
export function searchSql(s: AuditSearch, bind: (v: unknown) => string): string {
  const like = bind(s.like);
  if (s.actionSubjects) return `(subject ILIKE ${like} OR subject = ANY(${bind(s.actionSubjects)}::text[]))`;
  // A scalar subquery, not EXISTS: PostgreSQL may turn an EXISTS into a hashed subplan that
  // first reads every matching action (78,000 of them for "order:"), which is what this plan avoids.
  return `(subject ILIKE ${like} OR (subject LIKE 'action:%' AND COALESCE((SELECT true FROM actions sa WHERE sa.id = substr(audit_events.subject, 8) AND (sa.resource ILIKE ${like} OR sa.idempotency_key ILIKE ${like})), false)))`;
}
