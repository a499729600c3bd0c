import { pool, type SqlRunner } from "../db/index.ts";
import { recordProblem } from "./freshness.ts";
import type { LoadedRecord } from "./published-set.ts";

/**
 * The knowledge_records table and its row converter.
 *
 * Storage: a record's value is stored once per change, with the range of versions it is valid
 * in — [valid_from, valid_to), valid_to NULL while it is current. Version N of a set is then a
 * range query (`valid_from <= N AND (valid_to IS NULL OR valid_to > N)`), not a copy: publishing
 * a change to 10 records of a 100,000-record set writes 10 rows and closes 10, so every version
 * stays readable and diffable for the price of what changed. The current version, the one read
 * on the hot path, is `valid_to IS NULL` on the (set_id, valid_to, key) index; what changed
 * between two versions is the rows whose range starts or ends between them (set_id, valid_from)
 * and (set_id, valid_to, key). This is the "valid time" layout of temporal tables (SQL:2011
 * system-versioned tables, Snodgrass's "Developing Time-Oriented Database Applications in SQL",
 * ch. 10), with versions instead of timestamps.
 */

export type RecordRow = {
  key: string;
  value: unknown;
  source: string;
  proposed_by: string;
  approved_by: string;
  published_at: Date;
  effective_from: Date | null;
  expires_at: Date | null;
  valid_from: number;
  valid_to: number | null;
};

export const RECORD_COLUMNS = "key, value, source, proposed_by, approved_by, published_at, effective_from, expires_at, valid_from, valid_to";

/** SQL: the row (alias `a`) is part of version `v` (a parameter or literal). */
export const validAt = (a: string, v: string) => `${a}.valid_from <= ${v} AND (${a}.valid_to IS NULL OR ${a}.valid_to > ${v})`;

export function toLoaded(r: RecordRow): LoadedRecord {
  return {
    key: r.key,
    value: r.value,
    source: r.source,
    proposedBy: r.proposed_by,
    approvedBy: r.approved_by,
    publishedAt: r.published_at.getTime(),
    effectiveFrom: r.effective_from?.getTime() ?? null,
    expiresAt: r.expires_at?.getTime() ?? null,
    since: r.valid_from,
  };
}

/** A record as the API shows it, with its provenance and whether it can be relied on now. */
export type RecordView = {
  key: string;
  value: unknown;
  source: string;
  /** When its current value was published (what freshness is measured from). */
  updatedAt: string;
  /** The version that wrote its current value. */
  since: number;
  proposedBy: string;
  approvedBy: string;
  effectiveFrom: string | null;
  expiresAt: string | null;
  /** Stale, expired or not yet in force: a policy reading it fails closed. */
  stale: boolean;
  staleReason?: string;
};

export function presentRecord(r: LoadedRecord, maxAgeDays: number | null, now = Date.now()): RecordView {
  const problem = recordProblem(r, maxAgeDays, now);
  return {
    key: r.key,
    value: r.value,
    source: r.source,
    updatedAt: new Date(r.publishedAt).toISOString(),
    since: r.since,
    proposedBy: r.proposedBy,
    approvedBy: r.approvedBy,
    effectiveFrom: r.effectiveFrom === null ? null : new Date(r.effectiveFrom).toISOString(),
    expiresAt: r.expiresAt === null ? null : new Date(r.expiresAt).toISOString(),
    stale: problem !== null,
    ...(problem ? { staleReason: problem } : {}),
  };
}

/** Every record of a version (the current one with `version` = the set's latest). */
export async function readVersionRecords(setId: string, version: number, run?: SqlRunner): Promise<LoadedRecord[]> {
  const sql = `SELECT ${RECORD_COLUMNS} FROM knowledge_records r WHERE r.set_id = $1 AND ${validAt("r", "$2")}`;
  const rows = run ? await run<RecordRow>(sql, [setId, version]) : (await pool().query<RecordRow>(sql, [setId, version])).rows;
  return rows.map(toLoaded);
}

/** One page of a version's records in key order, after `cursor` (a key). */
/** SQL: record `r` is stale, expired or not yet in force now, in a set whose max age is the parameter `days` (NULL: no age limit). */
export const UNUSABLE_NOW = (r: string, days: string) =>
  `((${r}.expires_at IS NOT NULL AND ${r}.expires_at <= now()) OR (${r}.effective_from IS NOT NULL AND ${r}.effective_from > now()) OR (${days}::int IS NOT NULL AND ${r}.published_at < now() - make_interval(days => ${days}::int)))`;

export async function recordsPage(q: { setId: string; version: number; cursor?: string; limit: number; prefix?: string; staleOnly?: { maxAgeDays: number | null } }): Promise<{ rows: LoadedRecord[]; more: boolean }> {
  const params: unknown[] = [q.setId, q.version, q.limit + 1];
  let where = "";
  if (q.cursor !== undefined) {
    params.push(q.cursor);
    where += ` AND r.key COLLATE "C" > $${params.length}`;
  }
  if (q.prefix) {
    params.push(`${q.prefix.replace(/[\\%_]/g, "\\$&")}%`);
    where += ` AND r.key LIKE $${params.length}`;
  }
  if (q.staleOnly) {
    params.push(q.staleOnly.maxAgeDays);
    where += ` AND ${UNUSABLE_NOW("r", `$${params.length}`)}`;
  }
  const { rows } = await pool().query<RecordRow>(
    `SELECT ${RECORD_COLUMNS} FROM knowledge_records r WHERE r.set_id = $1 AND ${validAt("r", "$2")}${where} ORDER BY r.key COLLATE "C" LIMIT $3`,
    params,
  );
  return { rows: rows.slice(0, q.limit).map(toLoaded), more: rows.length > q.limit };
}

/** Every value a key has had, newest first (its provenance across versions). */
export async function recordHistory(setId: string, key: string): Promise<(LoadedRecord & { until: number | null })[]> {
  const { rows } = await pool().query<RecordRow>(`SELECT ${RECORD_COLUMNS} FROM knowledge_records WHERE set_id = $1 AND key = $2 ORDER BY valid_from DESC`, [setId, key]);
  return rows.map((r) => ({ ...toLoaded(r), until: r.valid_to }));
}

/** A key whose record differs between two versions: its record in each (null: absent). */
export type VersionChange = { key: string; before: LoadedRecord | null; after: LoadedRecord | null };

/**
 * What changed from version `from` to version `to` (from < to), in key order after `cursor`:
 * the keys whose rows start or end in (from, to], with their record at each end. A key
 * rewritten with the same value (a refresh) shows both records.
 */
export async function changesBetween(q: { setId: string; from: number; to: number; cursor?: string; limit: number }, run?: SqlRunner): Promise<{ changes: VersionChange[]; more: boolean }> {
  const params: unknown[] = [q.setId, q.from, q.to, q.limit + 1];
  const after = q.cursor === undefined ? "" : ` AND t.key COLLATE "C" > $${params.push(q.cursor)}`;
  const cols = (a: string) => RECORD_COLUMNS.split(", ").map((c) => `${a}.${c} AS ${a}_${c}`).join(", ");
  const sql = `WITH touched AS (
      SELECT key FROM knowledge_records WHERE set_id = $1 AND valid_from > $2 AND valid_from <= $3
      UNION
      SELECT key FROM knowledge_records WHERE set_id = $1 AND valid_to > $2 AND valid_to <= $3
    )
    SELECT t.key, ${cols("a")}, ${cols("b")}
      FROM touched t
      LEFT JOIN knowledge_records a ON a.set_id = $1 AND a.key = t.key AND ${validAt("a", "$2")}
      LEFT JOIN knowledge_records b ON b.set_id = $1 AND b.key = t.key AND ${validAt("b", "$3")}
     WHERE TRUE${after}
     ORDER BY t.key COLLATE "C" LIMIT $4`;
  type Wide = Record<string, unknown> & { key: string };
  const rows = run ? await run<Wide>(sql, params) : (await pool().query<Wide>(sql, params)).rows;
  const side = (r: Wide, a: string): LoadedRecord | null => {
    if (r[`${a}_key`] === null || r[`${a}_key`] === undefined) return null;
    const row = Object.fromEntries(RECORD_COLUMNS.split(", ").map((c) => [c, r[`${a}_${c}`]])) as RecordRow;
    return toLoaded(row);
  };
  const changes = rows.slice(0, q.limit).map((r) => ({ key: r.key, before: side(r, "a"), after: side(r, "b") }));
  return { changes, more: rows.length > q.limit };
}
