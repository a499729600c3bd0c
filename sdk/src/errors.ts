import type { ActionAnswer, ActionStatus, Reason } from "./types.ts";

/**
 * Warden answered with an error: `code` is the API's snake_case error code (or `http_<status>`
 * when the body had none), `status` the HTTP status. The action was not run.
 */
export class WardenError extends Error {
  override name = "WardenError";
  constructor(
    readonly code: string,
    readonly status: number,
    message: string,
    options?: { details?: unknown; cause?: unknown; retryAfterMs?: number },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.details = options?.details;
    this.retryAfterMs = options?.retryAfterMs;
  }
  readonly details: unknown;
  /** How long Warden asked the client to wait before retrying (its `Retry-After`, on 503 and 429). */
  readonly retryAfterMs: number | undefined;
}

/**
 * Warden could not be asked: unreachable, too slow (`code` "timeout"), a 5xx — notably `503
 * unavailable` when Warden can't reach its database, with `retryAfterMs` — or an answer that is
 * not what the API promises (`code` "malformed_response"). `status` is 0 when no HTTP answer
 * came. Worth retrying later; the action was not run.
 */
export class WardenUnavailable extends WardenError {
  override name = "WardenUnavailable";
  constructor(message: string, options: { code?: string; status?: number; details?: unknown; cause?: unknown; retryAfterMs?: number } = {}) {
    super(options.code ?? "unavailable", options.status ?? 0, message, options);
  }
}

/** Warden, or a human, said no (status `denied`, `rejected` or `expired`): the action was not run. */
export class ActionDenied extends Error {
  override name = "ActionDenied";
  readonly actionId: string;
  readonly status: ActionStatus;
  readonly reasons: Reason[];
  constructor(
    readonly answer: ActionAnswer,
    action?: string,
  ) {
    const why = answer.reasons.map((r) => r.message).filter(Boolean).join("; ") || "no reason given";
    super(`${action ?? "Action"} ${answer.status} by Warden: ${why}`);
    this.actionId = answer.id;
    this.status = answer.status;
    this.reasons = answer.reasons;
  }
}

/** Nobody decided within `maxWaitMs`: the action was not run (it may still be in the queue). */
export class ApprovalTimeout extends Error {
  override name = "ApprovalTimeout";
  readonly actionId: string;
  constructor(
    readonly answer: ActionAnswer,
    readonly waitedMs: number,
  ) {
    super(`No decision on ${answer.id} after ${Math.round(waitedMs / 1000)} s; the action was not run`);
    this.actionId = answer.id;
  }
}
