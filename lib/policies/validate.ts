import { badRequest } from "../errors/index.ts";
import { compileCondition } from "./cel.ts";
import type { PolicySpec } from "./types.ts";

/** Refuses a policy whose CEL does not compile: 400 invalid_condition with where the error is. */
export function assertConditionCompiles(spec: Pick<PolicySpec, "condition" | "stage">): void {
  const c = compileCondition(spec.condition, spec.stage);
  if (!c.ok) {
    const where = c.error.line !== null ? ` (line ${c.error.line}, column ${c.error.column})` : "";
    throw badRequest("invalid_condition", `The condition is not valid CEL: ${c.error.message}${where}`, c.error);
  }
}
