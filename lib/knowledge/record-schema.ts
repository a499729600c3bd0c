import { createHash } from "node:crypto";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import addFormats from "ajv-formats";
import { RE2JS } from "re2js";
import { badRequest } from "../errors/index.ts";

/**
 * Record validation with Ajv (JSON Schema draft-07, https://json-schema.org/draft-07): a set's
 * schema is compiled once and every written record is checked against it. Ajv runs in strict
 * mode (unknown keywords and ambiguous types are refused when the set is created), and
 * `pattern`/`patternProperties` run on RE2 (re2js, linear time), so an admin's regular
 * expression can't stall the process on a hostile record (ReDoS). ajv-formats adds `date`,
 * `date-time`, `uri`, `email` and the other standard formats.
 */

const re2Engine = Object.assign((pattern: string) => {
  const re = RE2JS.compile(pattern);
  return { test: (s: string) => re.test(s) };
}, { code: "re2" });

function newAjv(): Ajv {
  const ajv = new Ajv({ strict: true, allErrors: false, allowUnionTypes: true, code: { regExp: re2Engine }, messages: true });
  addFormats(ajv);
  return ajv;
}

const KEY = Symbol.for("warden.knowledgeAjv");
type Holder = { [KEY]?: { ajv: Ajv; compiled: Map<string, ValidateFunction> } };

function state() {
  const g = globalThis as Holder;
  return (g[KEY] ??= { ajv: newAjv(), compiled: new Map() });
}

const MAX_COMPILED = 200;

/** A record's value checker: null when it conforms, else the first problem `{path, message}`. */
export type RecordValidator = (value: unknown) => { path: string; message: string } | null;

function describe(e: ErrorObject): { path: string; message: string } {
  const extra = e.keyword === "additionalProperties" ? ` (${String((e.params as { additionalProperty?: unknown }).additionalProperty)})` : e.keyword === "enum" ? ` (${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)})` : "";
  return { path: e.instancePath || "(value)", message: `${e.message ?? e.keyword}${extra}` };
}

/**
 * Compiles a set's JSON Schema (cached by content). Throws `invalid_schema` (400) when Ajv
 * refuses it: not valid JSON Schema, an unknown keyword (strict mode), or a pattern RE2 can't
 * compile; details say which.
 */
export function recordValidator(schema: unknown): RecordValidator {
  const s = state();
  const id = createHash("sha256").update(JSON.stringify(schema)).digest("hex");
  let fn = s.compiled.get(id);
  if (!fn) {
    try {
      fn = s.ajv.compile(schema as object);
    } catch (err) {
      throw badRequest("invalid_schema", `The schema is not a JSON Schema Warden can use: ${(err as Error).message}`);
    } finally {
      // Ajv keeps every compiled schema; ours are cached here, by content.
      s.ajv.removeSchema();
    }
    if (s.compiled.size >= MAX_COMPILED) s.compiled.clear();
    s.compiled.set(id, fn);
  }
  const validate = fn;
  return (value) => (validate(value) ? null : describe(validate.errors?.[0] ?? ({ instancePath: "", keyword: "schema", message: "does not match the schema" } as ErrorObject)));
}

/** Top-level properties and their JSON types, for reading CSV columns (empty when the schema isn't an object schema). */
export function schemaProperties(schema: unknown): { properties: Map<string, string[]>; required: string[]; closed: boolean } {
  const s = (schema ?? {}) as { properties?: Record<string, { type?: unknown }>; required?: unknown; additionalProperties?: unknown };
  const properties = new Map<string, string[]>();
  for (const [name, def] of Object.entries(s.properties ?? {})) {
    const t = def?.type;
    properties.set(name, typeof t === "string" ? [t] : Array.isArray(t) ? t.filter((x): x is string => typeof x === "string") : []);
  }
  return { properties, required: Array.isArray(s.required) ? s.required.filter((x): x is string => typeof x === "string") : [], closed: s.additionalProperties === false };
}
