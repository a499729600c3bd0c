import { appendAuditEvents } from "../audit/index.ts";
import { withPgTransaction } from "../db/index.ts";
import { badRequest, conflict } from "../errors/index.ts";
import { CHANNEL, notifyManySql } from "../events/index.ts";
import { newId } from "../ids.ts";
import { knowledgeCache } from "./cache.ts";
import { recordValidator } from "./record-schema.ts";
import type { CreateSetInput, UpdateSetInput } from "./schemas.ts";
import { findSet, presentDefinition, SET_COLUMNS, type Person, type SetDefinition, type SetRow } from "./sets.ts";
import { readVersionRecords } from "./store.ts";

/**
 * Creates a knowledge set (no version yet: the first approved draft publishes version 1).
 * The schema must compile (Ajv, strict). Audited `knowledge.set_created`.
 * Throws `invalid_schema` (400), `knowledge_set_exists` (409).
 */
export async function createKnowledgeSet({ input, by }: { input: CreateSetInput; by: Person | { userId: null; email: string } }): Promise<SetDefinition> {
  recordValidator(input.schema);
  const row = await withPgTransaction(async (run) => {
    if ((await run(`SELECT 1 FROM knowledge_sets WHERE name = $1`, [input.name])).length) {
      throw conflict("knowledge_set_exists", `A knowledge set named ${input.name} already exists`);
    }
    const id = newId("ks");
    const owner = input.owner ?? by.email;
    const [created] = await run<SetRow>(
      `INSERT INTO knowledge_sets (id, name, description, owner, schema, reader_cohorts, max_age_days, version, created_by_id, created_at, updated_at)
       VALUES ($1, $2, $3, $4, $5::jsonb, $6::text[], $7, 0, $8, now(), now()) RETURNING ${SET_COLUMNS}`,
      [id, input.name, input.description, owner, JSON.stringify(input.schema), input.readers.cohorts, input.maxAgeDays, by.userId],
    );
    await appendAuditEvents(run, [
      {
        actor: by.userId ? `user:${by.userId}` : "system",
        kind: "knowledge.set_created",
        subject: `knowledge:${input.name}`,
        data: { set: input.name, description: input.description, owner, schema: input.schema, readers: input.readers, maxAgeDays: input.maxAgeDays },
      },
    ]);
    await run(notifyManySql(CHANNEL.knowledge, [JSON.stringify({ set: input.name, version: 0 })]), []);
    return created!;
  });
  await knowledgeCache().refresh(row.name);
  return presentDefinition(row);
}

/**
 * Changes a set's description, owner, readers, freshness or schema. A new schema must accept
 * every record of the current version (else 400 `schema_violation` listing the first ones).
 * Readers and freshness apply to every instance on the NOTIFY. Audited `knowledge.set_updated`
 * with before and after.
 */
export async function updateKnowledgeSet({ setName, input, by }: { setName: string; input: UpdateSetInput; by: Person }): Promise<SetDefinition> {
  const check = input.schema ? recordValidator(input.schema) : null;
  const row = await withPgTransaction(async (run) => {
    const before = await findSet(setName, { run, lock: true });
    if (check && before.version > 0) {
      const bad: { key: string; path: string; message: string }[] = [];
      for (const r of await readVersionRecords(before.id, before.version, run)) {
        const p = check(r.value);
        if (p) bad.push({ key: r.key, ...p });
        if (bad.length >= 20) break;
      }
      if (bad.length) throw badRequest("schema_violation", `The new schema refuses ${bad.length >= 20 ? "at least 20" : bad.length} published record${bad.length === 1 ? "" : "s"} (e.g. ${bad[0]!.key}: ${bad[0]!.path} ${bad[0]!.message}); publish a change to them first`, bad);
    }
    const next = {
      description: input.description ?? before.description,
      owner: input.owner ?? before.owner,
      schema: input.schema ?? before.schema,
      reader_cohorts: input.readers?.cohorts ?? before.reader_cohorts,
      max_age_days: input.maxAgeDays === undefined ? before.max_age_days : input.maxAgeDays,
    };
    const [after] = await run<SetRow>(
      `UPDATE knowledge_sets SET description = $2, owner = $3, schema = $4::jsonb, reader_cohorts = $5::text[], max_age_days = $6, updated_at = now() WHERE id = $1 RETURNING ${SET_COLUMNS}`,
      [before.id, next.description, next.owner, JSON.stringify(next.schema), next.reader_cohorts, next.max_age_days],
    );
    const b = presentDefinition(before);
    const a = presentDefinition(after!);
    const fields = (["description", "owner", "schema", "readers", "maxAgeDays"] as const).filter((f) => JSON.stringify(b[f]) !== JSON.stringify(a[f]));
    await appendAuditEvents(run, [
      {
        actor: `user:${by.userId}`,
        kind: "knowledge.set_updated",
        subject: `knowledge:${before.name}`,
        data: { set: before.name, changed: fields, before: Object.fromEntries(fields.map((f) => [f, b[f]])), after: Object.fromEntries(fields.map((f) => [f, a[f]])) },
      },
    ]);
    await run(notifyManySql(CHANNEL.knowledge, [JSON.stringify({ set: before.name, version: before.version })]), []);
    return after!;
  });
  await knowledgeCache().refresh(row.name);
  return presentDefinition(row);
}

