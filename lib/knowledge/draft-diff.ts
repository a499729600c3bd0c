import type { SqlRunner } from "../db/index.ts";
import type { KnowledgeDiffSummary } from "../webhooks/index.ts";
import type { ChangeKind } from "./schemas.ts";
import { presentRecord, RECORD_COLUMNS, toLoaded, type RecordRow, type RecordView } from "./store.ts";

/**
 * How a draft's changes compare with the set's current published version, computed in SQL so
 * a 100,000-record import is diffed where it lies. Each change is one of:
 *
 * - `added` — an upsert of a key the version doesn't have;
 * - `changed` — an upsert whose value, effective-from or expiry differs;
 * - `removed` — a delete of a key the version has;
 * - `refreshed` — an upsert identical to a record that is stale by age: republished, so its
 *   freshness restarts (with the new provenance);
 * - `unchanged` — identical to a fresh record (kept as it is, with its original provenance; a
 *   different `source` alone is not a change), or a delete of a key already gone.
 *
 * Publishing writes exactly the added, changed and refreshed records and closes the changed,
 * removed and refreshed ones (decide-draft.ts uses the same predicates).
 */

/** SQL: current record `r` has the same content as draft change `c`. */
export const SAME_CONTENT = (r: string, c: string) =>
  `${r}.value = ${c}.value AND ${r}.effective_from IS NOT DISTINCT FROM ${c}.effective_from AND ${r}.expires_at IS NOT DISTINCT FROM ${c}.expires_at`;
/** SQL: current record `r` of set `s` is stale by age at the transaction's time. */
export const AGED = (r: string, s: string) => `(${s}.max_age_days IS NOT NULL AND ${r}.published_at < now() - make_interval(days => ${s}.max_age_days))`;

const CLASSIFIED = `
  SELECT c.key, c.op, c.value AS new_value, c.source AS new_source, c.effective_from AS new_effective_from, c.expires_at AS new_expires_at,
         ${RECORD_COLUMNS.split(", ").map((col) => `r.${col} AS r_${col}`).join(", ")},
         CASE
           WHEN c.op = 'DELETE' THEN CASE WHEN r.key IS NULL THEN 'unchanged' ELSE 'removed' END
           WHEN r.key IS NULL THEN 'added'
           WHEN ${SAME_CONTENT("r", "c")} THEN CASE WHEN ${AGED("r", "s")} THEN 'refreshed' ELSE 'unchanged' END
           ELSE 'changed'
         END AS change
    FROM knowledge_draft_changes c
    JOIN knowledge_sets s ON s.id = $2
    LEFT JOIN knowledge_records r ON r.set_id = $2 AND r.key = c.key AND r.valid_to IS NULL
   WHERE c.draft_id = $1`;

export const emptySummary = (): KnowledgeDiffSummary => ({ added: 0, changed: 0, removed: 0, refreshed: 0, unchanged: 0 });

/** Counts of the draft's changes by kind, against the current version. */
export async function draftSummary(run: SqlRunner, draftId: string, setId: string): Promise<KnowledgeDiffSummary> {
  const rows = await run<{ change: ChangeKind; n: number }>(`SELECT change, count(*)::int AS n FROM (${CLASSIFIED}) x GROUP BY change`, [draftId, setId]);
  const out = emptySummary();
  for (const r of rows) out[r.change] = r.n;
  return out;
}

/** What a draft would write for a key. */
export type ProposedRecord = { value: unknown; source: string; effectiveFrom: string | null; expiresAt: string | null };

/** One line of a diff: a key, how it changes, and its record before and after. */
export type DiffEntry = { key: string; change: ChangeKind; before: RecordView | null; after: ProposedRecord | RecordView | null };

type Wide = Record<string, unknown> & { key: string; op: "UPSERT" | "DELETE"; change: ChangeKind; new_value: unknown; new_source: string | null; new_effective_from: Date | null; new_expires_at: Date | null };

/** A page of the draft's diff in key order (after `cursor`), optionally of one kind of change. */
export async function draftDiffPage(
  run: SqlRunner,
  q: { draftId: string; setId: string; maxAgeDays: number | null; cursor?: string; limit: number; change?: ChangeKind },
): Promise<{ entries: DiffEntry[]; nextCursor: string | null }> {
  const params: unknown[] = [q.draftId, q.setId, q.limit + 1];
  let where = "";
  if (q.change) where += ` AND x.change = $${params.push(q.change)}`;
  if (q.cursor !== undefined) where += ` AND x.key COLLATE "C" > $${params.push(q.cursor)}`;
  const rows = await run<Wide>(`SELECT * FROM (${CLASSIFIED}) x WHERE TRUE${where} ORDER BY x.key COLLATE "C" LIMIT $3`, params);
  const now = Date.now();
  const entries = rows.slice(0, q.limit).map((w): DiffEntry => {
    const before =
      w.r_key === null
        ? null
        : presentRecord(toLoaded(Object.fromEntries(RECORD_COLUMNS.split(", ").map((c) => [c, w[`r_${c}`]])) as RecordRow), q.maxAgeDays, now);
    const after =
      w.op === "DELETE"
        ? null
        : { value: w.new_value, source: w.new_source ?? "", effectiveFrom: w.new_effective_from?.toISOString() ?? null, expiresAt: w.new_expires_at?.toISOString() ?? null };
    return { key: w.key, change: w.change, before, after };
  });
  const last = entries[entries.length - 1];
  return { entries, nextCursor: rows.length > q.limit && last ? last.key : null };
}
