import { ZodError } from "zod";
import { unavailableFrom, WardenError, type ErrorKind } from "../errors/index.ts";

export { WardenError, badRequest, unauthorized, forbidden, notFound, conflict } from "../errors/index.ts";

/** The one table from a domain error's kind to an HTTP status. */
export const STATUS_OF_KIND: Record<ErrorKind, number> = {
  invalid: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  method_not_allowed: 405,
  conflict: 409,
  too_large: 413,
  unsupported_media_type: 415,
  rate_limited: 429,
  internal: 500,
  unavailable: 503,
};

export type ErrorBody = { error: { code: string; message: string; details?: unknown } };

export function zodDetails(err: ZodError): { path: string; message: string }[] {
  return err.issues.map((i) => ({ path: i.path.join(".") || "(body)", message: i.message }));
}

type PrismaLike = { code?: unknown; name?: unknown; meta?: unknown };

/** Seconds a client should wait before retrying an error of this kind, sent as `Retry-After`. */
function retryAfter(err: WardenError): string | null {
  if (err.kind !== "rate_limited" && err.kind !== "unavailable") return null;
  const d = err.details as { retryAfterSeconds?: unknown } | undefined;
  const s = d?.retryAfterSeconds;
  if (typeof s === "number" && Number.isFinite(s) && s > 0) return String(Math.ceil(s));
  return err.kind === "rate_limited" ? "60" : "1";
}

/**
 * The one place errors become status codes, JSON error bodies (API.md) and the headers that go
 * with them: WardenError by its kind; a driver error that means the database is unavailable
 * (lib/errors unavailableFrom: refused, reset, timed out…) → 503 `unavailable`; zod → 400
 * `validation_failed` naming the path, Prisma P2025 → 404, P2002 → 409; anything else is
 * logged and masked as 500 `internal` (no stack reaches the client). 503 and 429 carry
 * `Retry-After` (seconds) in `headers`.
 */
export function toErrorBody(err: unknown): { status: number; body: ErrorBody; headers: Record<string, string> } {
  err = unavailableFrom(err) ?? err;
  if (err instanceof WardenError) {
    const error: ErrorBody["error"] = { code: err.code, message: err.message };
    if (err.details !== undefined) error.details = err.details;
    const after = retryAfter(err);
    return { status: STATUS_OF_KIND[err.kind], body: { error }, headers: after ? { "retry-after": after } : {} };
  }
  if (err instanceof ZodError) {
    const details = zodDetails(err);
    const first = details[0];
    return {
      status: 400,
      body: { error: { code: "validation_failed", message: first ? `${first.path}: ${first.message}` : "Invalid input", details } },
      headers: {},
    };
  }
  const p = (err ?? {}) as PrismaLike;
  if (typeof p.code === "string" && typeof p.name === "string" && p.name.startsWith("PrismaClient")) {
    if (p.code === "P2025") return { status: 404, body: { error: { code: "not_found", message: "Not found" } }, headers: {} };
    if (p.code === "P2002") return { status: 409, body: { error: { code: "conflict", message: "Already exists" } }, headers: {} };
  }
  console.error("[warden] unexpected error:", err);
  return { status: 500, body: { error: { code: "internal", message: "Something went wrong on our side; it has been logged." } }, headers: {} };
}
