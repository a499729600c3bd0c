import { appendAuditEvents } from "../audit/index.ts";
import type pg from "pg";
import { withPgTransaction } from "../db/index.ts";
import { copyRows } from "./copy-rows.ts";
import { badRequest } from "../errors/index.ts";
import { newId } from "../ids.ts";
import { enqueueWebhook, type KnowledgeDiffSummary } from "../webhooks/index.ts";
import { draftDiffPage, draftSummary, type DiffEntry } from "./draft-diff.ts";
import { parseCsvImport, parseJsonImport, type ImportedRecord } from "./import-file.ts";
import { recordValidator } from "./record-schema.ts";
import { draftBodySchema, MAX_VALUE_BYTES, type DraftQuery } from "./schemas.ts";
import { findSet, type Person } from "./sets.ts";

/** What was sent to POST /api/knowledge/{set}/drafts, by content type. */
export type DraftPayload = { kind: "csv"; text: string } | { kind: "json"; body: unknown };

/** A draft as created (or previewed): its counts against the current version and the first page of its diff. */
export type ProposedDraft = {
  id: string | null;
  set: string;
  status: "open" | "preview";
  baseVersion: number;
  author: string;
  origin: "api" | "csv" | "json";
  mode: "merge" | "replace";
  note: string;
  changes: number;
  summary: KnowledgeDiffSummary;
  diff: DiffEntry[];
  nextCursor: string | null;
};

const MAX_PROBLEMS = 20;
/** Changes from which the planner's statistics are refreshed (ANALYZE) after writing them. */
const BIG = 5_000;

type Content = { upserts: ImportedRecord[]; deletes: string[]; origin: ProposedDraft["origin"]; mode: ProposedDraft["mode"]; note: string };

function contentOf(payload: DraftPayload, schema: unknown, q: DraftQuery): Content {
  if (payload.kind === "csv") return { upserts: parseCsvImport(payload.text, schema, q.source), deletes: [], origin: "csv", mode: q.mode, note: q.note };
  if (Array.isArray(payload.body)) return { upserts: parseJsonImport(payload.body, q.source), deletes: [], origin: "json", mode: q.mode, note: q.note };
  const b = draftBodySchema.parse(payload.body);
  const keys = new Set<string>();
  for (const k of [...b.upsert.map((u) => u.key), ...b.delete]) {
    if (keys.has(k)) throw badRequest("validation_failed", `The key ${JSON.stringify(k)} appears twice in this draft`);
    keys.add(k);
  }
  return {
    upserts: b.upsert.map((u) => ({ key: u.key, value: u.value, source: u.source, effectiveFrom: u.effectiveFrom ?? null, expiresAt: u.expiresAt ?? null })),
    deletes: b.delete,
    origin: "api",
    mode: "merge", // a list of changes says what to delete
    note: b.note || q.note,
  };
}

/** Every upsert against the set's schema and Warden's limits; 400 `schema_violation` listing the first problems. */
function validate(upserts: ImportedRecord[], schema: unknown): void {
  const check = recordValidator(schema);
  const problems: { key: string; path: string; message: string }[] = [];
  for (const u of upserts) {
    if (problems.length >= MAX_PROBLEMS) break;
    const size = Buffer.byteLength(JSON.stringify(u.value) ?? "");
    if (size > MAX_VALUE_BYTES) problems.push({ key: u.key, path: "(value)", message: `is ${size} bytes serialized; at most ${MAX_VALUE_BYTES}` });
    else if (u.effectiveFrom && u.expiresAt && u.expiresAt <= u.effectiveFrom) problems.push({ key: u.key, path: "expiresAt", message: "must be after effectiveFrom" });
    else {
      const p = check(u.value);
      if (p) problems.push({ key: u.key, ...p });
    }
  }
  if (problems.length) {
    const first = problems.slice(0, 3).map((p) => `${p.key}: ${p.path} ${p.message}`).join("; ");
    throw badRequest("schema_violation", `${problems.length >= MAX_PROBLEMS ? `At least ${MAX_PROBLEMS}` : problems.length} record${problems.length === 1 ? "" : "s"} break the set's schema: ${first}${problems.length > 3 ? "; …" : ""}`, problems);
  }
}

async function insertChanges(client: pg.PoolClient, draftId: string, c: Content): Promise<void> {
  const iso = (d: Date | null) => (d ? d.toISOString() : null);
  await copyRows(client, `COPY knowledge_draft_changes (draft_id, key, op, value, source, effective_from, expires_at) FROM STDIN`, [
    ...c.upserts.map((u) => [draftId, u.key, "UPSERT", JSON.stringify(u.value), u.source, iso(u.effectiveFrom), iso(u.expiresAt)]),
    ...c.deletes.map((k) => [draftId, k, "DELETE", null, null, null, null]),
  ]);
}

class Preview extends Error {
  constructor(readonly draft: ProposedDraft) {
    super("preview");
  }
}

/**
 * Proposes a change to a set as a draft: a list of upserts and deletes, or a CSV/JSON bulk
 * import (`replace` mode also deletes the current keys the file doesn't have). Every record
 * is validated against the set's schema; nothing is stored unless all are good. The draft is
 * written with its audit event (`knowledge.proposed`, with the diff summary) and webhook in one
 * transaction. With `dryRun` the same work is done and rolled back: the import preview.
 *
 * Throws (400) `validation_failed`, `invalid_csv`, `schema_violation`, `unknown_key` (a delete
 * of a key the set doesn't have), `empty_draft` (nothing would change), `too_many_records`;
 * `not_found` for an unknown set.
 */
export async function proposeDraft({ setName, by, payload, query }: { setName: string; by: Person; payload: DraftPayload; query: DraftQuery }): Promise<ProposedDraft> {
  const set = await findSet(setName);
  const content = contentOf(payload, set.schema, query);
  validate(content.upserts, set.schema);
  try {
    return await withPgTransaction(async (run, client) => {
      const id = newId("kd");
      const [{ version: base }] = (await run<{ version: number }>(`SELECT version FROM knowledge_sets WHERE id = $1`, [set.id])) as [{ version: number }];
      await run(
        `INSERT INTO knowledge_drafts (id, set_id, status, base_version, author_id, author, origin, mode, note, changes, created_at)
         VALUES ($1, $2, 'OPEN', $3, $4, $5, $6, $7, $8, 0, now())`,
        [id, set.id, base, by.userId, by.email, content.origin, content.mode, content.note],
      );
      await insertChanges(client, id, content);
      // Fresh statistics, so the diff joins below are planned for the size they are.
      if (content.upserts.length + content.deletes.length > BIG) await run(`ANALYZE knowledge_draft_changes`, []);
      const missing = await run<{ key: string }>(
        `SELECT c.key FROM knowledge_draft_changes c WHERE c.draft_id = $1 AND c.op = 'DELETE'
            AND NOT EXISTS (SELECT 1 FROM knowledge_records r WHERE r.set_id = $2 AND r.key = c.key AND r.valid_to IS NULL) ORDER BY c.key LIMIT 20`,
        [id, set.id],
      );
      if (missing.length) throw badRequest("unknown_key", `The set has no record to delete under ${missing.map((m) => JSON.stringify(m.key)).join(", ")}`, missing.map((m) => m.key));
      if (content.mode === "replace") {
        await run(
          `INSERT INTO knowledge_draft_changes (draft_id, key, op)
           SELECT $1, r.key, 'DELETE' FROM knowledge_records r
            WHERE r.set_id = $2 AND r.valid_to IS NULL AND NOT EXISTS (SELECT 1 FROM knowledge_draft_changes c WHERE c.draft_id = $1 AND c.key = r.key)`,
          [id, set.id],
        );
      }
      const [{ n: changes }] = (await run<{ n: number }>(`UPDATE knowledge_drafts SET changes = (SELECT count(*) FROM knowledge_draft_changes WHERE draft_id = $1) WHERE id = $1 RETURNING changes AS n`, [id])) as [{ n: number }];
      const summary = await draftSummary(run, id, set.id);
      const page = await draftDiffPage(run, { draftId: id, setId: set.id, maxAgeDays: set.max_age_days, limit: 50 });
      const draft: ProposedDraft = {
        id,
        set: set.name,
        status: "open",
        baseVersion: base,
        author: by.email,
        origin: content.origin,
        mode: content.mode,
        note: content.note,
        changes,
        summary,
        diff: page.entries,
        nextCursor: page.nextCursor,
      };
      if (query.dryRun) throw new Preview({ ...draft, id: null, status: "preview" });
      if (summary.added + summary.changed + summary.removed + summary.refreshed === 0) {
        throw badRequest("empty_draft", `Nothing to change: all ${summary.unchanged} record${summary.unchanged === 1 ? " is" : "s are"} already published as given`, summary);
      }
      await appendAuditEvents(run, [
        {
          actor: `user:${by.userId}`,
          kind: "knowledge.proposed",
          subject: `knowledge:${set.name}`,
          data: { set: set.name, draftId: id, baseVersion: base, origin: content.origin, mode: content.mode, changes, summary, note: content.note },
        },
      ]);
      await enqueueWebhook(run, "knowledge.proposed", { set: set.name, draftId: id, author: by.email, baseVersion: base, origin: content.origin, summary });
      return draft;
    });
  } catch (err) {
    if (err instanceof Preview) return err.draft;
    throw err;
  }
}
