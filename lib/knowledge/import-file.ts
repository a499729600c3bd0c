import { parse } from "csv-parse/sync";
import { z } from "zod";
import { badRequest } from "../errors/index.ts";
import { timeParam } from "../validation/index.ts";
import { schemaProperties } from "./record-schema.ts";
import { keyProblem, MAX_DRAFT_CHANGES, sourceSchema } from "./schemas.ts";

/**
 * Bulk import: a CSV or JSON file becomes a list of upserts (the draft's content). Structural
 * problems (not CSV, wrong or missing columns, a bad cell) are `invalid_csv` (400) with the
 * row and column; the records' values are checked against the set's schema afterwards, like
 * every other write.
 *
 * CSV (RFC 4180, read by csv-parse; a UTF-8 BOM is ignored): a header row, then one row per
 * record. Columns:
 * - `key` (required) — the record's key;
 * - either `value` — the whole value as JSON — or one column per top-level property of the
 *   set's schema (`floor`, `currency`…), each cell read as the property's JSON type (number,
 *   integer, boolean; array and object cells are JSON; an empty cell leaves it out);
 * - optional provenance: `source` (else the `source` query parameter), `effectiveFrom`,
 *   `expiresAt` (ISO 8601).
 * A column that is none of these is refused, and so is a schema property the schema requires
 * but no column gives.
 *
 * JSON: an array of `{key, value, source?, effectiveFrom?, expiresAt?}`.
 */

export type ImportedRecord = { key: string; value: unknown; source: string; effectiveFrom: Date | null; expiresAt: Date | null };

const PROVENANCE = new Set(["key", "value", "source", "effectiveFrom", "expiresAt"]);
const MAX_ERRORS = 20;

type Problem = { row: number; column?: string; key?: string; message: string };

function fail(code: "invalid_csv" | "validation_failed", message: string, problems: Problem[]): never {
  throw badRequest(code, problems.length ? `${message}: ${problems.slice(0, 3).map((p) => `row ${p.row}${p.column ? ` (${p.column})` : ""}: ${p.message}`).join("; ")}${problems.length > 3 ? "; …" : ""}` : message, problems.slice(0, MAX_ERRORS));
}

function cellOf(raw: string, types: string[]): { ok: true; value: unknown } | { ok: false; message: string } {
  const has = (t: string) => types.includes(t);
  if (has("number") || has("integer")) {
    const n = Number(raw);
    if (raw !== "" && Number.isFinite(n)) return { ok: true, value: n };
    if (!has("string")) return { ok: false, message: `${JSON.stringify(raw)} is not a number` };
  }
  if (has("boolean")) {
    if (raw === "true" || raw === "false") return { ok: true, value: raw === "true" };
    if (!has("string")) return { ok: false, message: `${JSON.stringify(raw)} is not true or false` };
  }
  if ((has("array") || has("object")) && !has("string")) {
    try {
      return { ok: true, value: JSON.parse(raw) as unknown };
    } catch {
      return { ok: false, message: "is not JSON" };
    }
  }
  if (has("null") && raw === "null" && !has("string")) return { ok: true, value: null };
  return { ok: true, value: raw };
}

function when(raw: string | undefined): Date | null | "bad" {
  if (raw === undefined || raw === "") return null;
  const t = timeParam.safeParse(raw);
  return t.success ? t.data : "bad";
}

/** Reads a CSV bulk import against the set's schema. */
export function parseCsvImport(text: string, schema: unknown, defaultSource: string | undefined): ImportedRecord[] {
  let rows: string[][];
  try {
    rows = parse(text, { bom: true, skip_empty_lines: true, trim: true, relax_column_count: false, max_record_size: 64 * 1024 }) as string[][];
  } catch (err) {
    const e = err as { message?: string; lines?: number };
    fail("invalid_csv", "The file is not valid CSV", [{ row: e.lines ?? 0, message: (e.message ?? String(err)).replace(/^Invalid Record Length: /, "") }]);
  }
  const [header, ...body] = rows;
  if (!header) fail("invalid_csv", "The CSV file is empty: it needs a header row (key, then the record's columns)", []);
  if (body.length > MAX_DRAFT_CHANGES) throw badRequest("too_many_records", `A draft holds at most ${MAX_DRAFT_CHANGES.toLocaleString("en")} records; the file has ${body.length.toLocaleString("en")}`);
  const col = new Map(header.map((h, i) => [h, i]));
  if (col.size !== header.length) fail("invalid_csv", "The header names a column twice", [{ row: 1, message: header.join(", ") }]);
  if (!col.has("key")) fail("invalid_csv", "The CSV needs a `key` column", [{ row: 1, message: `columns: ${header.join(", ")}` }]);
  const { properties, required } = schemaProperties(schema);
  const fields = header.filter((h) => !PROVENANCE.has(h));
  const whole = col.has("value");
  if (whole && fields.length) fail("invalid_csv", "Give the record either as one `value` column (JSON) or as one column per property, not both", [{ row: 1, message: `extra columns: ${fields.join(", ")}` }]);
  if (!whole) {
    if (properties.size === 0) fail("invalid_csv", "This set's schema declares no properties: give each record as JSON in a `value` column", [{ row: 1, message: `columns: ${header.join(", ")}` }]);
    const unknown = fields.filter((f) => !properties.has(f));
    if (unknown.length) fail("invalid_csv", `Unknown columns (not properties of the set's schema: ${[...properties.keys()].join(", ")})`, [{ row: 1, message: unknown.join(", ") }]);
    const missing = required.filter((r) => !col.has(r));
    if (missing.length) fail("invalid_csv", "Columns for required properties are missing", [{ row: 1, message: missing.join(", ") }]);
  }
  if (!col.has("source") && !defaultSource) fail("invalid_csv", "Every record needs its source: add a `source` column or the `source` query parameter", []);
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const out: ImportedRecord[] = [];
  const at = (r: string[], name: string) => (col.has(name) ? r[col.get(name)!] : undefined);
  body.forEach((r, i) => {
    if (problems.length >= MAX_ERRORS) return;
    const row = i + 2; // the header is row 1
    const key = at(r, "key") ?? "";
    const kp = keyProblem(key);
    if (kp) return void problems.push({ row, column: "key", key, message: kp });
    if (seen.has(key)) return void problems.push({ row, column: "key", key, message: "this key appears twice in the file" });
    seen.add(key);
    let value: unknown;
    if (whole) {
      try {
        value = JSON.parse(at(r, "value") ?? "") as unknown;
      } catch {
        return void problems.push({ row, column: "value", key, message: "is not JSON" });
      }
    } else {
      const obj: Record<string, unknown> = {};
      for (const f of fields) {
        const raw = at(r, f) ?? "";
        if (raw === "") continue;
        const c = cellOf(raw, properties.get(f) ?? []);
        if (!c.ok) return void problems.push({ row, column: f, key, message: c.message });
        obj[f] = c.value;
      }
      value = obj;
    }
    const source = at(r, "source") || defaultSource;
    const s = sourceSchema.safeParse(source);
    if (!s.success) return void problems.push({ row, column: "source", key, message: s.error.issues[0]?.message ?? "bad source" });
    const effectiveFrom = when(at(r, "effectiveFrom"));
    const expiresAt = when(at(r, "expiresAt"));
    if (effectiveFrom === "bad") return void problems.push({ row, column: "effectiveFrom", key, message: "is not a date and time (ISO 8601)" });
    if (expiresAt === "bad") return void problems.push({ row, column: "expiresAt", key, message: "is not a date and time (ISO 8601)" });
    out.push({ key, value, source: s.data, effectiveFrom, expiresAt });
  });
  if (problems.length) fail("invalid_csv", `The CSV has ${problems.length >= MAX_ERRORS ? `at least ${MAX_ERRORS}` : problems.length} bad row${problems.length === 1 ? "" : "s"}`, problems);
  return out;
}

const jsonRecord = z.strictObject({
  key: z.string(),
  value: z.unknown().refine((v) => v !== undefined, "value is required"),
  source: z.string().optional(),
  effectiveFrom: z.string().optional(),
  expiresAt: z.string().optional(),
});

/** Reads a JSON bulk import: an array of records. */
export function parseJsonImport(items: unknown[], defaultSource: string | undefined): ImportedRecord[] {
  if (items.length > MAX_DRAFT_CHANGES) throw badRequest("too_many_records", `A draft holds at most ${MAX_DRAFT_CHANGES.toLocaleString("en")} records; the file has ${items.length.toLocaleString("en")}`);
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const out: ImportedRecord[] = [];
  items.forEach((item, i) => {
    if (problems.length >= MAX_ERRORS) return;
    const row = i + 1;
    const p = jsonRecord.safeParse(item);
    if (!p.success) return void problems.push({ row, message: p.error.issues.map((x) => `${x.path.join(".") || "(record)"}: ${x.message}`).join("; ") });
    const { key } = p.data;
    const kp = keyProblem(key);
    if (kp) return void problems.push({ row, key, message: kp });
    if (seen.has(key)) return void problems.push({ row, key, message: "this key appears twice in the file" });
    seen.add(key);
    const s = sourceSchema.safeParse(p.data.source ?? defaultSource);
    if (!s.success) return void problems.push({ row, key, message: "every record needs its source (a `source` field or the `source` query parameter)" });
    const effectiveFrom = when(p.data.effectiveFrom);
    const expiresAt = when(p.data.expiresAt);
    if (effectiveFrom === "bad" || expiresAt === "bad") return void problems.push({ row, key, message: "effectiveFrom and expiresAt are dates and times (ISO 8601)" });
    out.push({ key, value: p.data.value, source: s.data, effectiveFrom, expiresAt });
  });
  if (problems.length) fail("validation_failed", `The JSON file has ${problems.length} bad record${problems.length === 1 ? "" : "s"}`, problems);
  return out;
}
