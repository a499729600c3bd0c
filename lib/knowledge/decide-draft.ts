import { appendAuditEvents } from "../audit/index.ts";
import { can, type RoleName } from "../auth/index.ts";
import { pool, withPgTransaction, type SqlRunner } from "../db/index.ts";
import { conflict, forbidden, notFound, WardenError } from "../errors/index.ts";
import { CHANNEL, notifyManySql } from "../events/index.ts";
import { enqueueWebhook } from "../webhooks/index.ts";
import { knowledgeCache } from "./cache.ts";
import { AGED, draftSummary, SAME_CONTENT } from "./draft-diff.ts";
import { findSet, type Person, type SetRow } from "./sets.ts";

type DraftRow = { id: string; set_id: string; status: "OPEN" | "PUBLISHED" | "REJECTED"; base_version: number; author_id: string | null; author: string; mode: string; changes: number };

async function lockDraft(run: SqlRunner, set: SetRow, draftId: string): Promise<DraftRow> {
  const rows = await run<DraftRow>(`SELECT id, set_id, status, base_version, author_id, author, mode, changes FROM knowledge_drafts WHERE id = $1 AND set_id = $2 FOR UPDATE`, [draftId, set.id]);
  const d = rows[0];
  if (!d) throw notFound("Draft");
  if (d.status !== "OPEN") throw conflict("draft_decided", `This draft was already ${d.status === "PUBLISHED" ? "published" : "rejected"}`);
  return d;
}

/** Keys the draft touches that another version changed since the draft was made (first 20). */
async function conflictingKeys(run: SqlRunner, set: SetRow, d: DraftRow): Promise<string[]> {
  if (set.version === d.base_version) return [];
  // `replace` meant "the set is exactly this file": any intervening version changes its meaning.
  const scope = d.mode === "replace" ? "" : "AND EXISTS (SELECT 1 FROM knowledge_draft_changes c WHERE c.draft_id = $3 AND c.key = r.key)";
  const rows = await run<{ key: string }>(
    `SELECT DISTINCT r.key FROM knowledge_records r
      WHERE r.set_id = $1 AND (r.valid_from > $2 OR r.valid_to > $2) ${scope}
      ORDER BY r.key LIMIT 20`,
    [set.id, d.base_version, d.id],
  );
  return rows.map((r) => r.key);
}

export type PublishResult = { set: string; version: number; previousVersion: number; publishedAt: string; publishedBy: string; proposedBy: string; records: number; summary: { added: number; changed: number; removed: number; refreshed: number } };

/**
 * Approves a draft and publishes it as the set's next version, in one transaction: the set row
 * is locked, the approver must not be the draft's author (two-person rule), the draft's keys
 * must not have been changed by a version published since it was made, then the changed and
 * removed records are closed and the new ones written (each with its provenance: source,
 * proposer, approver, time, effective-from, expiry), the version recorded, the draft closed,
 * the audit event `knowledge.published` (with the diff summary), the webhook and the NOTIFY
 * written. Any failure rolls all of it back: nothing is published. This instance serves the
 * new version before the call returns; the others on the NOTIFY.
 *
 * Throws `author_cannot_approve` (403), `draft_decided` / `draft_conflict` (409), `not_found`.
 */
export async function approveDraft({ setName, draftId, by, comment }: { setName: string; draftId: string; by: Person; comment?: string }): Promise<PublishResult> {
  const result = await withPgTransaction(async (run) => {
    const set = await findSet(setName, { run, lock: true });
    const d = await lockDraft(run, set, draftId);
    if (d.author_id === by.userId) throw new WardenError("author_cannot_approve", "You proposed this draft: someone else must approve it (two-person rule)");
    const clash = await conflictingKeys(run, set, d);
    if (clash.length) {
      throw conflict("draft_conflict", `Version ${set.version} was published after this draft was made against version ${d.base_version}, and changed ${d.mode === "replace" ? "the set it replaces" : `records it changes too (${clash.slice(0, 5).join(", ")}${clash.length > 5 ? ", …" : ""})`}: propose it again against the current version`, clash);
    }
    const summary = await draftSummary(run, d.id, set.id);
    if (summary.added + summary.changed + summary.removed + summary.refreshed === 0) {
      throw conflict("draft_conflict", "Nothing is left to publish: the current version already holds every change of this draft");
    }
    const version = set.version + 1;
    const at = (await run<{ now: Date }>(`SELECT now() AS now`, []))[0]!.now;
    const closed = await run<{ n: number }>(
      `WITH closed AS (
         UPDATE knowledge_records r SET valid_to = $3
           FROM knowledge_draft_changes c, knowledge_sets s
          WHERE c.draft_id = $1 AND s.id = $2 AND r.set_id = $2 AND r.key = c.key AND r.valid_to IS NULL
            AND (c.op = 'DELETE' OR NOT (${SAME_CONTENT("r", "c")}) OR ${AGED("r", "s")})
         RETURNING 1)
       SELECT count(*)::int AS n FROM closed`,
      [d.id, set.id, version],
    );
    const inserted = await run<{ n: number }>(
      `WITH written AS (
         INSERT INTO knowledge_records (set_id, key, valid_from, valid_to, value, source, proposed_by, approved_by, published_at, effective_from, expires_at)
         SELECT $2, c.key, $3, NULL, c.value, c.source, $4, $5, $6, c.effective_from, c.expires_at
           FROM knowledge_draft_changes c
          WHERE c.draft_id = $1 AND c.op = 'UPSERT'
            AND NOT EXISTS (SELECT 1 FROM knowledge_records r WHERE r.set_id = $2 AND r.key = c.key AND r.valid_to IS NULL)
         RETURNING 1)
       SELECT count(*)::int AS n FROM written`,
      [d.id, set.id, version, d.author, by.email, at],
    );
    // The writes must be exactly what the diff said; anything else rolls back.
    if (closed[0]!.n !== summary.changed + summary.removed + summary.refreshed || inserted[0]!.n !== summary.added + summary.changed + summary.refreshed) {
      throw new Error(`publish of ${d.id} wrote ${inserted[0]!.n} and closed ${closed[0]!.n} records, not what its diff says (${JSON.stringify(summary)})`);
    }
    const prev = await run<{ records: number }>(`SELECT records FROM knowledge_versions WHERE set_id = $1 AND version = $2`, [set.id, set.version]);
    const records = (prev[0]?.records ?? 0) + summary.added - summary.removed;
    await run(
      `INSERT INTO knowledge_versions (set_id, version, draft_id, proposed_by, published_by, published_at, comment, records, added, changed, removed, refreshed)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
      [set.id, version, d.id, d.author, by.email, at, comment ?? "", records, summary.added, summary.changed, summary.removed, summary.refreshed],
    );
    await run(`UPDATE knowledge_sets SET version = $2, updated_at = $3 WHERE id = $1`, [set.id, version, at]);
    await run(`UPDATE knowledge_drafts SET status = 'PUBLISHED', decided_by_id = $2, decided_by = $3, decided_at = $4, comment = $5, published_version = $6 WHERE id = $1`, [d.id, by.userId, by.email, at, comment ?? null, version]);
    // A few of the keys written and closed, for the audit event (index lookups, not a diff).
    const examples = {
      written: (await run<{ key: string }>(`SELECT key FROM knowledge_records WHERE set_id = $1 AND valid_from = $2 ORDER BY key LIMIT 10`, [set.id, version])).map((r) => r.key),
      closed: (await run<{ key: string }>(`SELECT key FROM knowledge_records WHERE set_id = $1 AND valid_to = $2 ORDER BY key LIMIT 10`, [set.id, version])).map((r) => r.key),
    };
    const published = { added: summary.added, changed: summary.changed, removed: summary.removed, refreshed: summary.refreshed };
    await appendAuditEvents(run, [
      {
        actor: `user:${by.userId}`,
        kind: "knowledge.published",
        subject: `knowledge:${set.name}`,
        data: { set: set.name, version, previousVersion: set.version, draftId: d.id, proposedBy: d.author, approvedBy: by.email, comment: comment ?? null, records, summary: published, examples },
      },
    ]);
    const payload = { set: set.name, version, previousVersion: set.version, draftId: d.id, proposedBy: d.author, approvedBy: by.email, publishedAt: at.toISOString(), records, summary: published };
    await enqueueWebhook(run, "knowledge.published", payload);
    await run(notifyManySql(CHANNEL.knowledge, [JSON.stringify({ set: set.name, version })]), []);
    return { set: set.name, version, previousVersion: set.version, publishedAt: at.toISOString(), publishedBy: by.email, proposedBy: d.author, records, summary: published } satisfies PublishResult;
  });
  // A large publish changes the table's shape: refresh the planner's statistics now, so the
  // next diff and publish join it as what it is (autovacuum would, but later).
  const s = result.summary;
  if (s.added + s.changed + s.removed + s.refreshed > 5_000) await pool().query(`ANALYZE knowledge_records`).catch((err: unknown) => console.error("[knowledge] analyze:", (err as Error).message));
  await knowledgeCache().refresh(result.set);
  return result;
}

/**
 * Rejects a draft (an approver or admin), or withdraws it (its author): nothing is published.
 * Audited as `knowledge.rejected`. Throws `forbidden`, `draft_decided` (409), `not_found`.
 */
export async function rejectDraft({ setName, draftId, by, role, comment }: { setName: string; draftId: string; by: Person; role: RoleName; comment?: string }): Promise<{ id: string; status: "rejected" }> {
  return withPgTransaction(async (run) => {
    const set = await findSet(setName, { run });
    const d = await lockDraft(run, set, draftId);
    const withdrawn = d.author_id === by.userId;
    if (!withdrawn && !can(role, "knowledge:approve")) throw forbidden("Only an approver, an admin or the draft's author may reject it");
    await run(`UPDATE knowledge_drafts SET status = 'REJECTED', decided_by_id = $2, decided_by = $3, decided_at = now(), comment = $4 WHERE id = $1`, [d.id, by.userId, by.email, comment ?? null]);
    await appendAuditEvents(run, [
      { actor: `user:${by.userId}`, kind: "knowledge.rejected", subject: `knowledge:${set.name}`, data: { set: set.name, draftId: d.id, author: d.author, withdrawn, comment: comment ?? null, changes: d.changes } },
    ]);
    return { id: d.id, status: "rejected" as const };
  });
}
