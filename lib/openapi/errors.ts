import { z } from "zod";
import { ERROR_CODES, type ErrorCode } from "../errors/index.ts";
import { STATUS_OF_KIND } from "../http/index.ts";
import type { ApiOperation } from "./types.ts";

/** Every error code of the catalogue (lib/errors ERROR_CODES), as the wire spells it. */
export const ALL_ERROR_CODES = Object.keys(ERROR_CODES) as ErrorCode[];

/**
 * The error body of both planes (API.md): `{"error": {"code", "message", "details"?}}`,
 * `code` one of `codes`. The same shape lib/http `toErrorBody` writes.
 */
export function errorBodySchema(codes: readonly ErrorCode[]): z.ZodType {
  const [first, ...rest] = codes;
  const code = first === undefined ? z.string() : z.enum([first, ...rest]);
  return z.strictObject({
    error: z.strictObject({
      code: code.describe("Machine-readable error code (lib/errors ERROR_CODES)"),
      message: z.string().describe("Human text, safe to show"),
      details: z.unknown().optional().describe("Structured detail, e.g. [{path, message}] for validation_failed"),
    }),
  });
}

/** The HTTP status lib/http answers for an error code (by its kind). */
export function statusOfCode(code: ErrorCode): number {
  return STATUS_OF_KIND[ERROR_CODES[code]];
}

/**
 * The error codes an operation can answer: its own (`errors`) and the standard ones every
 * operation of its kind gets from the shared machinery (lib/http route(), the data-plane
 * router, lib/validation's boundary rules, the database-outage guard).
 */
export function errorCodesOf(op: ApiOperation): ErrorCode[] {
  const codes = new Set<ErrorCode>(["validation_failed", "internal", "unavailable"]);
  if (op.auth !== "none") codes.add("unauthorized");
  if (op.auth === "user") {
    codes.add("forbidden");
    // A session signed in with a temporary password, until it sets a new one (lib/http route).
    codes.add("password_change_required");
    if (op.method !== "get") codes.add("csrf");
  }
  if (op.body || op.bodyContent) {
    codes.add("invalid_json");
    codes.add("body_too_large");
    if (op.auth !== "agent") codes.add("unsupported_media_type");
  }
  if (op.path.includes("{")) codes.add("not_found");
  if (op.auth === "agent") codes.add("method_not_allowed");
  for (const c of op.errors ?? []) codes.add(c);
  return [...codes];
}

/** Error codes grouped by the status they are answered with, ascending. */
export function errorCodesByStatus(codes: readonly ErrorCode[]): Map<number, ErrorCode[]> {
  const by = new Map<number, ErrorCode[]>();
  for (const c of codes) {
    const s = statusOfCode(c);
    by.set(s, [...(by.get(s) ?? []), c]);
  }
  return new Map([...by.entries()].sort(([a], [b]) => a - b));
}
