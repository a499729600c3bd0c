import { pool } from "../db/index.ts";
import { badRequest, notFound } from "../errors/index.ts";
import type { KnowledgeDiffSummary } from "../webhooks/index.ts";
import { draftDiffPage, draftSummary, emptySummary, type DiffEntry } from "./draft-diff.ts";
import type { ChangeKind } from "./schemas.ts";
import { findSet, presentDefinition, SET_COLUMNS, type SetDefinition, type SetRow } from "./sets.ts";
import { changesBetween, presentRecord, recordHistory, recordsPage, UNUSABLE_NOW, type RecordView } from "./store.ts";

/** The dashboard's and the control plane's reads of knowledge sets. */

export type VersionView = {
  version: number;
  publishedAt: string;
  publishedBy: string;
  proposedBy: string;
  draftId: string | null;
  comment: string;
  records: number;
  summary: { added: number; changed: number; removed: number; refreshed: number };
};

type VersionRow = { version: number; published_at: Date; published_by: string; proposed_by: string; draft_id: string | null; comment: string; records: number; added: number; changed: number; removed: number; refreshed: number };

const presentVersion = (v: VersionRow): VersionView => ({
  version: v.version,
  publishedAt: v.published_at.toISOString(),
  publishedBy: v.published_by,
  proposedBy: v.proposed_by,
  draftId: v.draft_id,
  comment: v.comment,
  records: v.records,
  summary: { added: v.added, changed: v.changed, removed: v.removed, refreshed: v.refreshed },
});

export type SetSummaryView = SetDefinition & {
  publishedAt: string | null;
  publishedBy: string | null;
  records: number;
  /** Records of the current version that are stale, expired or not yet in force now. */
  stale: number;
  openDrafts: number;
};

/** Every set with its current version, size, freshness and open drafts. */
export async function listKnowledgeSets(): Promise<SetSummaryView[]> {
  const { rows } = await pool().query<SetRow & { published_at: Date | null; published_by: string | null; records: number | null; open_drafts: number; stale: number }>(
    `SELECT ${SET_COLUMNS.split(", ").map((c) => `s.${c}`).join(", ")}, v.published_at, v.published_by, v.records,
            (SELECT count(*)::int FROM knowledge_drafts d WHERE d.set_id = s.id AND d.status = 'OPEN') AS open_drafts,
            (SELECT count(*)::int FROM knowledge_records r WHERE r.set_id = s.id AND r.valid_to IS NULL AND ${UNUSABLE_NOW("r", "s.max_age_days")}) AS stale
       FROM knowledge_sets s LEFT JOIN knowledge_versions v ON v.set_id = s.id AND v.version = s.version
      ORDER BY s.name`,
  );
  return rows.map((r) => ({
    ...presentDefinition(r),
    publishedAt: r.published_at?.toISOString() ?? null,
    publishedBy: r.published_by,
    records: r.records ?? 0,
    stale: r.stale,
    openDrafts: r.open_drafts,
  }));
}

export type SetVersionView = SetDefinition & {
  /** The version shown (the current one unless asked otherwise). */
  version: number;
  currentVersion: number;
  publishedAt: string | null;
  publishedBy: string | null;
  proposedBy: string | null;
  recordCount: number;
  records: RecordView[];
  nextCursor: string | null;
};

/**
 * `GET /api/knowledge/{set}?version=N`: a version's records in key order, paged (cursor = the
 * last key), each with its provenance and freshness now. Throws not_found for an unknown set
 * or version.
 */
export async function readKnowledgeSet(q: { name: string; version?: number; cursor?: string; limit: number; prefix?: string; stale?: boolean }): Promise<SetVersionView> {
  const set = await findSet(q.name);
  const version = q.version ?? set.version;
  if (version > set.version) throw notFound(`Version ${version} of ${set.name}`);
  const def = presentDefinition(set);
  if (version === 0) return { ...def, version: 0, currentVersion: 0, publishedAt: null, publishedBy: null, proposedBy: null, recordCount: 0, records: [], nextCursor: null };
  const { rows: vs } = await pool().query<VersionRow>(`SELECT * FROM knowledge_versions WHERE set_id = $1 AND version = $2`, [set.id, version]);
  const v = vs[0];
  if (!v) throw notFound(`Version ${version} of ${set.name}`);
  const page = await recordsPage({ setId: set.id, version, cursor: q.cursor, limit: q.limit, prefix: q.prefix, staleOnly: q.stale ? { maxAgeDays: set.max_age_days } : undefined });
  const now = Date.now();
  const records = page.rows.map((r) => presentRecord(r, set.max_age_days, now));
  return {
    ...def,
    version,
    currentVersion: set.version,
    publishedAt: v.published_at.toISOString(),
    publishedBy: v.published_by,
    proposedBy: v.proposed_by,
    recordCount: v.records,
    records,
    nextCursor: page.more && records.length ? records[records.length - 1]!.key : null,
  };
}

/** Every published version of a set, newest first. */
export async function listKnowledgeVersions(name: string): Promise<VersionView[]> {
  const set = await findSet(name);
  const { rows } = await pool().query<VersionRow>(`SELECT * FROM knowledge_versions WHERE set_id = $1 ORDER BY version DESC`, [set.id]);
  return rows.map(presentVersion);
}

export type VersionDiffView = { set: string; from: number; to: number; changes: { key: string; change: "added" | "changed" | "removed" | "refreshed"; before: RecordView | null; after: RecordView | null }[]; nextCursor: string | null };

/** What changed between two versions of a set (`to` defaults to the current one), in key order, paged. */
export async function diffKnowledgeVersions(q: { name: string; from: number; to?: number; cursor?: string; limit: number }): Promise<VersionDiffView> {
  const set = await findSet(q.name);
  const to = q.to ?? set.version;
  if (to > set.version) throw notFound(`Version ${to} of ${set.name}`);
  if (q.from >= to) throw badRequest("validation_failed", `from (${q.from}) must be an earlier version than to (${to})`);
  const page = await changesBetween({ setId: set.id, from: q.from, to, cursor: q.cursor, limit: q.limit });
  const now = Date.now();
  const show = (r: Parameters<typeof presentRecord>[0] | null) => (r ? presentRecord(r, set.max_age_days, now) : null);
  const changes = page.changes.map((c) => ({
    key: c.key,
    change: !c.before ? ("added" as const) : !c.after ? ("removed" as const) : JSON.stringify(c.before.value) === JSON.stringify(c.after.value) && c.before.effectiveFrom === c.after.effectiveFrom && c.before.expiresAt === c.after.expiresAt ? ("refreshed" as const) : ("changed" as const),
    before: show(c.before),
    after: show(c.after),
  }));
  return { set: set.name, from: q.from, to, changes, nextCursor: page.more && changes.length ? changes[changes.length - 1]!.key : null };
}

/** Every value a record has had, newest first, with its provenance and the versions it held in. */
export async function knowledgeRecordHistory(name: string, key: string): Promise<{ set: string; key: string; history: (RecordView & { until: number | null })[] }> {
  const set = await findSet(name);
  const rows = await recordHistory(set.id, key);
  if (!rows.length) throw notFound("Record");
  const now = Date.now();
  return { set: set.name, key, history: rows.map((r) => ({ ...presentRecord(r, set.max_age_days, now), until: r.until })) };
}

export type DraftListItem = { id: string; status: "open" | "published" | "rejected"; baseVersion: number; author: string; origin: string; mode: string; note: string; changes: number; createdAt: string; decidedBy: string | null; decidedAt: string | null; publishedVersion: number | null };

type DraftRow = { id: string; set_id: string; status: "OPEN" | "PUBLISHED" | "REJECTED"; base_version: number; author_id: string | null; author: string; origin: string; mode: string; note: string; changes: number; created_at: Date; decided_by: string | null; decided_at: Date | null; comment: string | null; published_version: number | null };

const presentDraftRow = (d: DraftRow): DraftListItem => ({
  id: d.id,
  status: d.status.toLowerCase() as DraftListItem["status"],
  baseVersion: d.base_version,
  author: d.author,
  origin: d.origin,
  mode: d.mode,
  note: d.note,
  changes: d.changes,
  createdAt: d.created_at.toISOString(),
  decidedBy: d.decided_by,
  decidedAt: d.decided_at?.toISOString() ?? null,
  publishedVersion: d.published_version,
});

/** The set's drafts, newest first (optionally of one status). */
export async function listKnowledgeDrafts(name: string, status?: "open" | "published" | "rejected"): Promise<DraftListItem[]> {
  const set = await findSet(name);
  const { rows } = await pool().query<DraftRow>(
    `SELECT * FROM knowledge_drafts WHERE set_id = $1 ${status ? "AND status = $2::\"KnowledgeDraftStatus\"" : ""} ORDER BY created_at DESC, id DESC LIMIT 200`,
    status ? [set.id, status.toUpperCase()] : [set.id],
  );
  return rows.map(presentDraftRow);
}

/** Open drafts of every set, oldest first: the dashboard's "waiting for approval". */
export async function listOpenKnowledgeDrafts(): Promise<(DraftListItem & { set: string; authorId: string | null })[]> {
  const { rows } = await pool().query<DraftRow & { set_name: string }>(
    `SELECT d.*, s.name AS set_name FROM knowledge_drafts d JOIN knowledge_sets s ON s.id = d.set_id WHERE d.status = 'OPEN' ORDER BY d.created_at, d.id LIMIT 200`,
  );
  return rows.map((r) => ({ ...presentDraftRow(r), set: r.set_name, authorId: r.author_id }));
}

export type DraftView = DraftListItem & {
  set: string;
  authorId: string | null;
  currentVersion: number;
  comment: string | null;
  /** Open and rejected drafts: against the current version; published ones: what their version changed. */
  summary: KnowledgeDiffSummary;
  diff: DiffEntry[];
  nextCursor: string | null;
};

/**
 * `GET /api/knowledge/{set}/drafts/{id}`: the draft with its diff — against the current
 * published version while it is open — paged in key order, optionally one kind of change.
 */
export async function getKnowledgeDraft(q: { name: string; id: string; cursor?: string; limit: number; change?: ChangeKind }): Promise<DraftView> {
  const set = await findSet(q.name);
  const { rows } = await pool().query<DraftRow>(`SELECT * FROM knowledge_drafts WHERE id = $1 AND set_id = $2`, [q.id, set.id]);
  const d = rows[0];
  if (!d) throw notFound("Draft");
  const base = { ...presentDraftRow(d), set: set.name, authorId: d.author_id, currentVersion: set.version, comment: d.comment };
  if (d.status === "PUBLISHED" && d.published_version !== null) {
    const { rows: vs } = await pool().query<VersionRow>(`SELECT * FROM knowledge_versions WHERE set_id = $1 AND version = $2`, [set.id, d.published_version]);
    const v = vs[0]!;
    const diff = await diffKnowledgeVersions({ name: set.name, from: d.published_version - 1, to: d.published_version, cursor: q.cursor, limit: q.limit });
    const entries = diff.changes
      .filter((c) => !q.change || c.change === q.change)
      .map((c): DiffEntry => ({ key: c.key, change: c.change, before: c.before, after: c.after }));
    return { ...base, summary: { ...emptySummary(), added: v.added, changed: v.changed, removed: v.removed, refreshed: v.refreshed }, diff: entries, nextCursor: diff.nextCursor };
  }
  const run = async <T>(sql: string, params: unknown[]) => (await pool().query(sql, params)).rows as T[];
  const [summary, page] = await Promise.all([
    draftSummary(run, d.id, set.id),
    draftDiffPage(run, { draftId: d.id, setId: set.id, maxAgeDays: set.max_age_days, cursor: q.cursor, limit: q.limit, change: q.change }),
  ]);
  return { ...base, summary, diff: page.entries, nextCursor: page.nextCursor };
}
