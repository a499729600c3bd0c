import { z } from "zod";
import { badRequest } from "../errors/index.ts";
import { cohortNameSchema, ownerSchema, timeParam } from "../validation/index.ts";

/**
 * What reaches knowledge sets from outside: set names, record keys, and the bodies of the
 * control-plane endpoints (docs/API.md "Knowledge").
 */

/**
 * A set's name: what policies write in `data["price-floors"]` (or `data.competitors` when it
 * has no '-'). Lowercase letters, digits and '-', starting with a letter, 2–63 characters.
 */
export const setNameSchema = z
  .string()
  .regex(/^[a-z][a-z0-9-]{1,62}$/, "2–63 lowercase letters, digits and '-', starting with a letter");

/** Longest record key (characters). */
export const MAX_KEY_CHARS = 256;
/** Largest record value, serialized (bytes). */
export const MAX_VALUE_BYTES = 16 * 1024;
/** Most changes one draft may hold (a 100,000-record catalogue fits twice). */
export const MAX_DRAFT_CHANGES = 200_000;
/** Largest JSON Schema of a set (bytes, serialized). */
export const MAX_SCHEMA_BYTES = 64 * 1024;

// Control characters (C0, C1), lone surrogates and the Unicode line/paragraph separators.
const FORBIDDEN_IN_KEY = /[\p{Cc}\p{Cs}\u2028\u2029]/u;

/** Why a record key is refused, or null when it is a good key. */
export function keyProblem(key: string): string | null {
  if (key.length === 0) return "a key may not be empty";
  if (key.length > MAX_KEY_CHARS) return `a key has at most ${MAX_KEY_CHARS} characters`;
  if (FORBIDDEN_IN_KEY.test(key)) return "a key may not contain control characters";
  if (key.trim() !== key) return "a key may not start or end with white space";
  return null;
}

/** The key as given, or throws `invalid_key` (400) saying what is wrong with it. */
export function assertKey(key: string): string {
  const problem = keyProblem(key);
  if (problem) throw badRequest("invalid_key", `Invalid key ${JSON.stringify(key.slice(0, 80))}: ${problem}`);
  return key;
}

const keySchema = z.string().superRefine((k, ctx) => {
  const problem = keyProblem(k);
  if (problem) ctx.addIssue({ code: "custom", message: problem });
});

const jsonObjectOf = (maxBytes: number, what: string) =>
  z
    .record(z.string(), z.unknown())
    .refine((v) => Buffer.byteLength(JSON.stringify(v)) <= maxBytes, `${what} must be at most ${maxBytes / 1024} KiB serialized`);

export const readersSchema = z.strictObject({ cohorts: z.array(cohortNameSchema).max(200).default([]) });

export const createSetSchema = z.strictObject({
  name: setNameSchema,
  description: z.string().trim().max(2000).default(""),
  /** Accountable person or team; the creating user's e-mail when absent. */
  owner: ownerSchema.optional(),
  schema: jsonObjectOf(MAX_SCHEMA_BYTES, "schema"),
  readers: readersSchema.default({ cohorts: [] }),
  maxAgeDays: z.number().int().min(1).max(36_500).nullable().default(null),
});
export type CreateSetInput = z.infer<typeof createSetSchema>;

export const updateSetSchema = z
  .strictObject({
    description: z.string().trim().max(2000).optional(),
    owner: ownerSchema.optional(),
    schema: jsonObjectOf(MAX_SCHEMA_BYTES, "schema").optional(),
    readers: readersSchema.optional(),
    maxAgeDays: z.number().int().min(1).max(36_500).nullable().optional(),
  })
  .refine((v) => Object.keys(v).length > 0, "change at least one of description, owner, schema, readers, maxAgeDays");
export type UpdateSetInput = z.infer<typeof updateSetSchema>;

export const sourceSchema = z.string().trim().min(1, "every record needs its source (a URL, system or document)").max(500);

/** One record as a draft writes it. Times are ISO 8601. */
export const upsertSchema = z.strictObject({
  key: keySchema,
  value: z.unknown().refine((v) => v !== undefined, "value is required"),
  source: sourceSchema,
  effectiveFrom: timeParam.optional(),
  expiresAt: timeParam.optional(),
});
export type UpsertInput = z.infer<typeof upsertSchema>;

export const draftBodySchema = z
  .strictObject({
    upsert: z.array(upsertSchema).max(MAX_DRAFT_CHANGES).default([]),
    delete: z.array(keySchema).max(MAX_DRAFT_CHANGES).default([]),
    note: z.string().trim().max(2000).default(""),
  })
  .refine((d) => d.upsert.length + d.delete.length > 0, "a draft needs at least one upsert or delete");
export type DraftBody = z.infer<typeof draftBodySchema>;

/** Query of POST /api/knowledge/{set}/drafts: how a bulk file is read, and whether to store the draft. */
export const draftQuerySchema = z.strictObject({
  /** `merge` (default): the file's records are upserted; `replace`: keys missing from the file are deleted. */
  mode: z.enum(["merge", "replace"]).default("merge"),
  /** Source of every record in a bulk file that has no `source` column. */
  source: sourceSchema.optional(),
  /** `true`: parse, validate and diff, then store nothing (the import preview). */
  dryRun: z.enum(["true", "false"]).default("false").transform((v) => v === "true"),
  note: z.string().trim().max(2000).default(""),
});
export type DraftQuery = z.infer<typeof draftQuerySchema>;

export const decideDraftSchema = z.strictObject({ comment: z.string().trim().max(2000).optional() });

export const CHANGE_KINDS = ["added", "changed", "removed", "refreshed", "unchanged"] as const;
export type ChangeKind = (typeof CHANGE_KINDS)[number];

const cursorSchema = z.string().max(400).optional();
const limitSchema = z.coerce.number().int().min(1).max(1000).default(100);

export const pageQuerySchema = z.strictObject({ cursor: cursorSchema, limit: limitSchema });

export const setQuerySchema = z.strictObject({
  version: z.coerce.number().int().min(1).max(2_000_000_000).optional(),
  cursor: cursorSchema,
  limit: limitSchema,
  /** Only keys starting with this (case-sensitive). */
  prefix: z.string().max(MAX_KEY_CHARS).optional(),
  /** Only records that are stale, expired or not yet in force at the time of the request. */
  stale: z.enum(["true", "false"]).optional().transform((v) => v === "true"),
});

export const draftViewQuerySchema = z.strictObject({
  cursor: cursorSchema,
  limit: limitSchema,
  change: z.enum(CHANGE_KINDS).optional(),
});

export const diffQuerySchema = z.strictObject({
  from: z.coerce.number().int().min(0).max(2_000_000_000),
  to: z.coerce.number().int().min(1).max(2_000_000_000).optional(),
  cursor: cursorSchema,
  limit: limitSchema,
});

export const sinceQuerySchema = z.strictObject({
  since: z.coerce.number().int().min(0).max(2_000_000_000).default(0),
  cursor: cursorSchema,
  limit: z.coerce.number().int().min(1).max(5000).default(1000),
});

export const draftListQuerySchema = z.strictObject({ status: z.enum(["open", "published", "rejected"]).optional() });
