import { z } from "zod";

/** A JSON Schema (2020-12) object as OpenAPI 3.1 embeds it. */
export type JsonSchema = Record<string, unknown>;

/**
 * A zod schema as JSON Schema 2020-12 — OpenAPI 3.1's own dialect — through zod 4's
 * `z.toJSONSchema` (https://zod.dev/json-schema). `io: "input"` describes what a client may
 * send (defaults optional, coercions as their input), `"output"` what Warden answers (plain
 * objects closed with `additionalProperties: false`). Parts JSON Schema cannot express
 * (transforms, preprocessors' functions) become `{}` (any) rather than failing.
 */
export function toJsonSchema(schema: z.ZodType, io: "input" | "output"): JsonSchema {
  const out = z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }) as JsonSchema;
  delete out.$schema; // the document's (default) dialect is 2020-12 based already
  return out;
}
