import { pool } from "../db/index.ts";
import { badRequest } from "../errors/index.ts";
import { compileCondition, overBudget } from "./cel.ts";
import { COST_BUDGET, MAX_DATA_CHARS } from "./cost.ts";
import type { PolicySpec } from "./types.ts";

/**
 * Refuses a condition that can't be saved or tested. Throws (400):
 * - `invalid_condition` — not valid CEL, or a `matches` pattern RE2 refuses; details
 *   `{message, position, line, column}` say where;
 * - `condition_too_expensive` — its estimated cost on the largest allowed data is over the
 *   budget (lib/policies/cost.ts); details `{cost, budget, maxDataChars}`.
 */
export function assertConditionCompiles(spec: Pick<PolicySpec, "condition" | "stage">): void {
  const c = compileCondition(spec.condition, spec.stage);
  if (!c.ok) {
    const where = c.error.line !== null ? ` (line ${c.error.line}, column ${c.error.column})` : "";
    throw badRequest("invalid_condition", `The condition is not valid CEL: ${c.error.message}${where}`, c.error);
  }
  const over = overBudget(c);
  if (over) throw badRequest("condition_too_expensive", over, { cost: c.cost, budget: COST_BUDGET, maxDataChars: MAX_DATA_CHARS });
}

/**
 * Refuses a condition that reads a knowledge set that doesn't exist (`data["nope"]`):
 * `invalid_condition` (400) naming it. A set that exists but has nothing published yet is
 * accepted: until it has, the condition fails closed.
 */
export async function assertKnowledgeSetsExist(spec: Pick<PolicySpec, "condition" | "stage">): Promise<void> {
  const c = compileCondition(spec.condition, spec.stage);
  if (!c.ok || c.knowledgeSets.length === 0) return;
  const { rows } = await pool().query<{ name: string }>(`SELECT name FROM knowledge_sets WHERE name = ANY($1::text[])`, [c.knowledgeSets]);
  const missing = c.knowledgeSets.filter((n) => !rows.some((r) => r.name === n));
  if (missing.length) throw badRequest("invalid_condition", `The condition reads unknown knowledge set${missing.length === 1 ? "" : "s"} ${missing.map((m) => `"${m}"`).join(", ")}`, { message: "unknown knowledge set", sets: missing });
}
