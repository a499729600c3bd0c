/**
 * Boundary validation shared by both planes (the `/v1` data plane and the `/api` routes):
 * what reaches PostgreSQL from outside.
 *
 * - `parseJsonBody` — the one JSON body parser: nesting at most `MAX_JSON_DEPTH` (64),
 *   text (values and object keys) without NUL or unpaired surrogates, finite numbers;
 *   refusals are `400 validation_failed` naming the path.
 * - `assertDecodableTarget` — a request's path and query decode to clean UTF-8 text.
 * - `assertSafeFields`, `assertSafeValue`, `unsafeTextReason` — the same rules for decoded
 *   route parameters, query values and anything else built from a request.
 * - zod building blocks (`timeParam`), and name rules (`NameRule`): one rule gives a name's
 *   schema and the schema of globs over such names (`nameGlobSchema`), refusing globs that
 *   could never match a valid name; the name rules every schema shares
 *   (names.ts: cohorts, owners, agents and actions, and globs over them).
 */
export { timeParam } from "./time.ts";
export { MAX_GLOB_CHARS, globMismatch, nameGlobSchema, nameRegExp, type NameRule } from "./name-rule.ts";
export { COHORT_NAME, cohortNameSchema, ownerSchema, AGENT_NAME, agentGlobSchema, cohortGlobSchema, ACTION_NAME, actionNameSchema, actionGlobSchema } from "./names.ts";
export {
  MAX_JSON_DEPTH,
  parseJsonBody,
  assertSafeValue,
  findUnsafeValue,
  jsonTextTooDeep,
  unsafeTextReason,
  validationError,
  type ValueProblem,
} from "./safe-json.ts";
export { assertDecodableTarget, assertSafeFields, findUndecodableTarget } from "./request-target.ts";
