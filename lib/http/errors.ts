import { ZodError } from "zod";

/** A failure the client can act on. Domain code throws these; one mapper turns them into HTTP. */
export class WardenError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "WardenError";
  }
}

export const badRequest = (code: string, message: string, details?: unknown) => new WardenError(400, code, message, details);
export const unauthorized = (message = "Authentication required") => new WardenError(401, "unauthorized", message);
export const forbidden = (message = "Your role does not allow this") => new WardenError(403, "forbidden", message);
export const notFound = (what: string) => new WardenError(404, "not_found", `${what} not found`);
export const conflict = (code: string, message: string, details?: unknown) => new WardenError(409, code, message, details);

export type ErrorBody = { error: { code: string; message: string; details?: unknown } };

export function zodDetails(err: ZodError): { path: string; message: string }[] {
  return err.issues.map((i) => ({ path: i.path.join(".") || "(body)", message: i.message }));
}

type PrismaLike = { code?: unknown; name?: unknown; meta?: unknown };

/** The one place errors become status codes. Unknown errors are logged and masked. */
export function toErrorBody(err: unknown): { status: number; body: ErrorBody } {
  if (err instanceof WardenError) {
    const error: ErrorBody["error"] = { code: err.code, message: err.message };
    if (err.details !== undefined) error.details = err.details;
    return { status: err.status, body: { error } };
  }
  if (err instanceof ZodError) {
    const details = zodDetails(err);
    const first = details[0];
    return {
      status: 400,
      body: { error: { code: "validation_failed", message: first ? `${first.path}: ${first.message}` : "Invalid input", details } },
    };
  }
  const p = (err ?? {}) as PrismaLike;
  if (typeof p.code === "string" && typeof p.name === "string" && p.name.startsWith("PrismaClient")) {
    if (p.code === "P2025") return { status: 404, body: { error: { code: "not_found", message: "Not found" } } };
    if (p.code === "P2002") return { status: 409, body: { error: { code: "conflict", message: "Already exists" } } };
  }
  console.error("[warden] unexpected error:", err);
  return { status: 500, body: { error: { code: "internal", message: "Something went wrong on our side; it has been logged." } } };
}
