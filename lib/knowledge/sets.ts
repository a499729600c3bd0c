import { pool, type SqlRunner } from "../db/index.ts";
import { notFound } from "../errors/index.ts";
import type { SetMeta } from "./published-set.ts";

/** The knowledge_sets table and its row converter. */

export type SetRow = {
  id: string;
  name: string;
  description: string;
  owner: string;
  schema: Record<string, unknown>;
  reader_cohorts: string[];
  max_age_days: number | null;
  version: number;
  created_by_id: string | null;
  created_at: Date;
  updated_at: Date;
};

export const SET_COLUMNS = "id, name, description, owner, schema, reader_cohorts, max_age_days, version, created_by_id, created_at, updated_at";

/** The person acting on knowledge: their user id (the two-person rule compares it) and e-mail (provenance). */
export type Person = { userId: string; email: string };

export const metaOf = (s: Pick<SetRow, "id" | "name" | "max_age_days" | "reader_cohorts">): SetMeta => ({ id: s.id, name: s.name, maxAgeDays: s.max_age_days, readers: s.reader_cohorts });

/** The set by name; throws not_found. `lock` takes its row lock (FOR UPDATE) in the caller's transaction. */
export async function findSet(name: string, opts: { run?: SqlRunner; lock?: boolean } = {}): Promise<SetRow> {
  const sql = `SELECT ${SET_COLUMNS} FROM knowledge_sets WHERE name = $1${opts.lock ? " FOR UPDATE" : ""}`;
  const rows = opts.run ? await opts.run<SetRow>(sql, [name]) : (await pool().query<SetRow>(sql, [name])).rows;
  if (!rows[0]) throw notFound("Knowledge set");
  return rows[0];
}

/** The set's definition as the API shows it. */
export type SetDefinition = {
  id: string;
  name: string;
  description: string;
  owner: string;
  schema: Record<string, unknown>;
  readers: { cohorts: string[] };
  maxAgeDays: number | null;
  version: number;
  createdAt: string;
  updatedAt: string;
};

export function presentDefinition(s: SetRow): SetDefinition {
  return {
    id: s.id,
    name: s.name,
    description: s.description,
    owner: s.owner,
    schema: s.schema,
    readers: { cohorts: s.reader_cohorts },
    maxAgeDays: s.max_age_days,
    version: s.version,
    createdAt: s.created_at.toISOString(),
    updatedAt: s.updated_at.toISOString(),
  };
}
