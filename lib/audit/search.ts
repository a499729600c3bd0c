import { pool } from "../db/index.ts";

/**
 * Up to this many actions matching a search, their events are fetched by subject (one btree
 * probe per action and partition); past it, the log is walked newest first and each event's
 * action checked (a primary-key probe per event), which is cheaper when matches are dense.
 * Where the two cost the same at a million actions and events (bench/queries.ts prints both).
 */
export const SEARCH_ACTION_CAP = 2000;

/**
 * How the explorer's free text `q` is matched. An event matches when
 *   - its subject starts with `q` (`agent:agt_01…`, `action:act_01…`: the subject btree), or
 *   - its subject is not an action's and holds `q` anywhere, any case (the partial trigram
 *     index audit_events_subject_trgm_idx), or
 *   - it is about an action (`action:<id>`) whose id or idempotency key starts with `q`, or
 *     whose resource holds `q` anywhere, any case — as stored.
 * Actions' subjects are left out of the trigram index on purpose: every decision writes one,
 * and trigrams of random ids cost the decision path more than every other index of the table
 * (issue 16); an action is found through the action instead. Idempotency keys are matched by
 * their start for the same reason (a btree range: the database collates "C").
 *
 * Resource and key are stored redacted (lib/redaction: PII became `[redacted:kind:hash]`
 * markers before the row was written), so the search only ever sees what any reader of the log
 * already sees: a redacted phone number or e-mail can't be found by typing it (that is
 * find-by-value's job, with its own permission and keyed hashing), and the search is no oracle
 * for it.
 *
 * `like`: `%q%` for ILIKE; `prefix`: `q%` for LIKE (wildcards escaped in both).
 * `actionSubjects`: the subjects of every matching action when there are at most
 * SEARCH_ACTION_CAP of them; null when there are more, or when `q` is under 3 characters (no
 * trigram to look up), and then the SQL checks the action of each event instead (see searchSql).
 */
export type AuditSearch = { like: string; prefix: string; actionSubjects: string[] | null };

/** The subjects of the actions matching $1 (an ILIKE pattern, on the resource) or $2 (a LIKE prefix, on the id and the key), at most $3. */
export const ACTION_LOOKUP_SQL = `SELECT 'action:' || id AS s FROM actions WHERE resource ILIKE $1 OR idempotency_key LIKE $2 OR id LIKE $2 LIMIT $3`;

const escapeLike = (q: string) => q.replace(/[\\%_]/g, "\\$&");

/** `%q%` for ILIKE, with `\`, `%` and `_` taken literally. */
export const likePattern = (q: string) => `%${escapeLike(q)}%`;

/** `q%` for LIKE, with `\`, `%` and `_` taken literally. */
export const prefixPattern = (q: string) => `${escapeLike(q)}%`;

/**
 * Looks the search up among actions (the trigram GIN index actions_resource_trgm_idx, the
 * idempotency key's btree and the primary key; pg_trgm). One query, at most `cap` + 1 rows
 * (`cap`: SEARCH_ACTION_CAP; tests and bench/queries.ts lower it to exercise the other plan).
 */
export async function resolveAuditSearch(q: string, cap: number = SEARCH_ACTION_CAP): Promise<AuditSearch> {
  const [like, prefix] = [likePattern(q), prefixPattern(q)];
  if (q.length < 3) return { like, prefix, actionSubjects: null };
  const { rows } = await pool().query<{ s: string }>(ACTION_LOOKUP_SQL, [like, prefix, cap + 1]);
  return { like, prefix, actionSubjects: rows.length > cap ? null : rows.map((r) => r.s) };
}

/** The parameters of ACTION_LOOKUP_SQL for a resolved search (for EXPLAIN). */
export const actionLookupParams = (s: AuditSearch, cap: number = SEARCH_ACTION_CAP) => [s.like, s.prefix, cap + 1];

/**
 * The WHERE term of a resolved search over audit_events; `bind` adds a parameter and returns
 * its placeholder. Few matching actions: a BitmapOr per partition of the subject prefix (btree),
 * the non-action subjects' trigrams (partial GIN) and subject = ANY(those actions' subjects)
 * (btree). Many: the same test per event, the action read by primary key, on whatever index walk
 * the other filters choose.
 */
export function searchSql(s: AuditSearch, bind: (v: unknown) => string): string {
  const [like, prefix] = [bind(s.like), bind(s.prefix)];
  // Spelled as the partial index's predicate, so the planner can use it.
  const others = `(subject NOT LIKE 'action:%' AND subject ILIKE ${like})`;
  if (s.actionSubjects) return `(subject LIKE ${prefix} OR ${others} OR subject = ANY(${bind(s.actionSubjects)}::text[]))`;
  // A scalar subquery, not EXISTS: PostgreSQL may turn an EXISTS into a hashed subplan that
  // first reads every matching action (78,000 of them for "order:"), which is what this plan avoids.
  return `(subject LIKE ${prefix} OR ${others} OR (subject LIKE 'action:%' AND COALESCE((SELECT true FROM actions sa WHERE sa.id = substr(audit_events.subject, 8) AND (sa.resource ILIKE ${like} OR sa.idempotency_key LIKE ${prefix} OR sa.id LIKE ${prefix})), false)))`;
}
