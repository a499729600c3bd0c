/**
 * Warden's domain errors: every failure a caller can act on is a `WardenError` with a code
 * from the catalogue below. The code says *what* went wrong; its kind says what sort of
 * failure it is. Only `lib/http` turns kinds into HTTP status codes, so domain code (the
 * decision pipeline, SQL, scripts) never speaks HTTP.
 *
 * Error bodies on the wire: `{"error": {"code", "message", "details"?}}` (API.md).
 */

import { isDatabaseUnavailable } from "./database-unavailable.ts";

/** What sort of failure an error code is; `lib/http` maps each to one status. */
export type ErrorKind =
  | "invalid" // the request is malformed or breaks a rule about its content
  | "unauthenticated" // no, unknown, expired or revoked credentials
  | "forbidden" // authenticated, but not allowed to do this
  | "not_found"
  | "method_not_allowed"
  | "conflict" // the request is valid but clashes with the current state
  | "too_large"
  | "unsupported_media_type"
  | "rate_limited"
  | "unavailable" // a dependency (the database) can't be reached in time: retry later
  | "internal";

/**
 * The catalogue of error codes (the `code` clients see) and their kinds. A code used
 * anywhere must be listed here: the type checker refuses unknown ones.
 */
export const ERROR_CODES = {
  // invalid input
  validation_failed: "invalid",
  invalid_json: "invalid",
  invalid_condition: "invalid",
  invalid_cursor: "invalid",
  condition_too_expensive: "invalid",
  webhook_url_credentials: "invalid",
  webhook_url_forbidden: "invalid",
  webhook_url_unresolvable: "invalid",
  invalid_amount: "invalid",
  invalid_scope: "invalid",
  unknown_version: "invalid", // an agent version that isn't registered (lib/releases)
  invalid_schema: "invalid",
  schema_violation: "invalid",
  invalid_csv: "invalid",
  invalid_key: "invalid",
  password_unchanged: "invalid", // the new password is the current one
  unknown_key: "invalid",
  since_in_future: "invalid",
  empty_draft: "invalid",
  too_many_records: "invalid",
  // escalation paths (teams, stages, approve-with-changes, bulk decisions)
  unknown_team: "invalid",
  unknown_user: "invalid",
  unknown_cohort: "invalid",
  member_cannot_approve: "invalid",
  quorum_exceeds_team: "invalid",
  input_not_editable: "invalid",
  modified_input_denied: "invalid",
  bulk_mixed: "invalid",
  // authentication and authorization
  unauthorized: "unauthenticated",
  forbidden: "forbidden",
  csrf: "forbidden",
  password_change_required: "forbidden", // signed in with a temporary password: set a new one first
  wrong_password: "forbidden", // the current password given to change it is wrong
  owner_cannot_approve_alone: "forbidden",
  second_person_required: "forbidden",
  author_cannot_approve: "forbidden",
  knowledge_not_granted: "forbidden",
  not_in_stage: "forbidden",
  // lookups and routing
  not_found: "not_found",
  method_not_allowed: "method_not_allowed",
  // conflicts with the current state
  conflict: "conflict",
  agent_exists: "conflict",
  email_taken: "conflict",
  last_admin: "conflict",
  policy_exists: "conflict",
  key_already_revoked: "conflict",
  idempotency_conflict: "conflict",
  action_decided: "conflict",
  action_expired: "conflict",
  already_voted: "conflict",
  action_not_allowed: "conflict",
  result_already_reported: "conflict",
  budget_exists: "conflict",
  breaker_exists: "conflict",
  breaker_closed: "conflict",
  breaker_open: "conflict",
  capability_change_decided: "conflict",
  capabilities_changed: "conflict",
  version_exists: "conflict", // a version label reused with another config (lib/releases)
  rollout_active: "conflict", // the agent already has a running or paused rollout
  rollout_ended: "conflict", // the rollout is no longer running or paused
  knowledge_set_exists: "conflict",
  draft_decided: "conflict",
  draft_conflict: "conflict",
  team_exists: "conflict",
  team_in_use: "conflict",
  team_too_small: "conflict",
  cohort_has_team: "conflict",
  stage_timed_out: "conflict",
  changes_after_votes: "conflict",
  modified_input_needs_other_approval: "conflict",
  changes_exceed_budget: "conflict",
  budget_changed: "conflict",
  // transport
  body_too_large: "too_large",
  pii_scan_too_costly: "too_large",
  unsupported_media_type: "unsupported_media_type",
  rate_limited: "rate_limited",
  unavailable: "unavailable",
  internal: "internal",
} as const satisfies Record<string, ErrorKind>;

export type ErrorCode = keyof typeof ERROR_CODES;

/**
 * A failure the client can act on. Domain code throws these; `lib/http` maps them to a
 * status (by `kind`) and the JSON error body.
 *
 * @param code one of `ERROR_CODES` (snake_case, part of the contract)
 * @param message human text, safe to show to the caller (never a stack or secret)
 * @param details optional structured detail (e.g. `[{path, message}]` for validation)
 */
export class WardenError extends Error {
  readonly kind: ErrorKind;
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = "WardenError";
    this.kind = ERROR_CODES[code];
  }
}

/** `invalid`: the request breaks a rule (400). */
export const badRequest = (code: ErrorCode, message: string, details?: unknown) => new WardenError(code, message, details);
/** `unauthorized` (401). */
export const unauthorized = (message = "Authentication required") => new WardenError("unauthorized", message);
/** `forbidden` (403). */
export const forbidden = (message = "Your role does not allow this") => new WardenError("forbidden", message);
/** `not_found` (404) for `what` ("Agent", "Action", …). */
export const notFound = (what: string) => new WardenError("not_found", `${what} not found`);
/** A clash with the current state (409). */
export const conflict = (code: ErrorCode, message: string, details?: unknown) => new WardenError(code, message, details);

/** True when `err` is a WardenError of this code or kind. */
export function isWardenError(err: unknown, codeOrKind?: ErrorCode | ErrorKind): err is WardenError {
  if (!(err instanceof WardenError)) return false;
  return codeOrKind === undefined || err.code === codeOrKind || err.kind === codeOrKind;
}

/**
 * Retry-After of a `503 unavailable`, in whole seconds (at least 1), carried in the error's
 * details so the body says it too; `lib/http` sends it as the `Retry-After` header.
 */
export type UnavailableDetails = { retryAfterSeconds: number };

/** `unavailable` (503 + Retry-After): the database can't serve this in time; ask again later. */
export function unavailable(message: string, retryAfterSeconds = 1): WardenError {
  const details: UnavailableDetails = { retryAfterSeconds: Math.max(1, Math.ceil(retryAfterSeconds)) };
  return new WardenError("unavailable", message, details);
}

export { isDatabaseUnavailable };

/**
 * `err` as the error to answer with when it means the database is unavailable (see
 * isDatabaseUnavailable): an `unavailable` WardenError (503, Retry-After 1 s); null otherwise.
 * An `unavailable` WardenError passes unchanged.
 */
export function unavailableFrom(err: unknown): WardenError | null {
  if (err instanceof WardenError) return err.kind === "unavailable" ? err : null;
  return isDatabaseUnavailable(err) ? unavailable("The database can't be reached right now; retry shortly (with the same idempotency key)") : null;
}
