import { inputChanges, inputHash, routingOf, valueAt, withValueAt, type InputChange } from "../actions/index.ts";
import { activeBudgets, budgetsFor, reviseReservations, type BudgetRevision } from "../budgets/index.ts";
import type { SqlRunner } from "../db/index.ts";
import { badRequest, conflict } from "../errors/index.ts";
import { activePolicies, evaluatePolicies } from "../policies/index.ts";
import { storageRedactor } from "../redaction/index.ts";
import { approvalPolicyIds, type LockedAction } from "./locked-action.ts";

export type ModifiedInput = { before: Record<string, unknown>; after: Record<string, unknown>; changes: InputChange[]; hash: string; budgets: BudgetRevision[] };

const jsonType = (v: unknown) => (v === null ? "null" : Array.isArray(v) ? "array" : typeof v);

/**
 * Approve with changes: checks an approver's modified input and records it on the action
 * (in the caller's transaction, which holds the action locked). Returns null when nothing
 * changed. Rules:
 * - only paths the routing's `editable` lists (or fields under them) may change, and each must
 *   exist in the input as it stands and keep its JSON type (Warden has no declared input
 *   schemas: the pending input is the schema) — else 400 input_not_editable;
 * - the approver's values are redacted like everything stored (lib/redaction);
 * - the modified request is evaluated again by every enforced pre-stage policy (on the stored
 *   input and context, as backtests are): a deny refuses it (400 modified_input_denied), and so
 *   does a require_approval policy the original did not match (409
 *   modified_input_needs_other_approval) — a change can't sneak past a rule;
 * - the budgets that cover the action count its approved input (lib/budgets reviseReservations,
 *   computed on the approver's values as given): an amount that can't be computed (or is
 *   negative, too large) refuses the change (400 modified_input_denied, fail closed); a larger
 *   amount must fit what the budget has left now (else 409 changes_exceed_budget); a smaller one
 *   gives the difference back;
 * - the approval is bound to the SHA-256 of the approved input (`approved_input_hash`), which
 *   the result report is checked against.
 */
export async function applyModifiedInput(run: SqlRunner, a: LockedAction, proposed: Record<string, unknown>): Promise<ModifiedInput | null> {
  const before = a.approved_input ?? a.input;
  const asked = inputChanges(before, proposed);
  if (asked.length === 0) return null;
  const editable = routingOf(a.approval)?.editable ?? [];
  const allowed = (path: string) => editable.some((e) => path === e || path.startsWith(`${e}.`));
  const notEditable = asked.filter((c) => !allowed(c.path));
  if (notEditable.length) {
    throw badRequest(
      "input_not_editable",
      editable.length
        ? `Only ${editable.join(", ")} may be changed when approving; not ${notEditable.map((c) => c.path).join(", ")}`
        : "The policies that hold this action let approvers change nothing: approve or reject it as it is",
      { editable, refused: notEditable.map((c) => c.path) },
    );
  }
  const reshaped = asked.filter((c) => c.from === undefined || c.to === undefined || jsonType(c.from) !== jsonType(c.to));
  if (reshaped.length) {
    throw badRequest("input_not_editable", `A change must keep the field and its type: ${reshaped.map((c) => `${c.path} (${c.from === undefined ? "absent" : jsonType(c.from)} → ${c.to === undefined ? "absent" : jsonType(c.to)})`).join(", ")}`, {
      refused: reshaped.map((c) => c.path),
    });
  }
  // The approver's values are stored as everything else is: PII redacted (path by path, so
  // field rules still apply and markers already in the input are left as they are).
  const [redactor, policies, budgets] = await Promise.all([storageRedactor(), activePolicies(), activeBudgets()]);
  let sparse: Record<string, unknown> = {};
  for (const c of asked) sparse = withValueAt(sparse, c.path, c.to);
  const stored = redactor.document("input", sparse);
  let after = before;
  for (const c of asked) after = withValueAt(after, c.path, valueAt(stored, c.path));

  const agent = { id: a.agent_id, name: a.agent_name, cohort: a.cohort, owner: a.owner, riskTier: a.risk_tier.toLowerCase() };
  const ev = evaluatePolicies(policies.pre, {
    agent,
    action: a.action,
    resource: a.resource,
    input: after,
    context: a.context,
    now: new Date(),
  });
  if (ev.decision === "deny") {
    throw badRequest("modified_input_denied", `The changed request is denied by ${ev.reasons.map((r) => `${r.policyName ?? r.code}: ${r.message}`).join("; ")}. Nothing was changed.`, {
      reasons: ev.reasons.map((r) => ({ policyId: r.policyId, policyName: r.policyName, message: r.message })),
    });
  }
  const original = new Set(approvalPolicyIds(a));
  const added = ev.reasons.filter((r) => r.effect === "require_approval" && r.policyId && !original.has(r.policyId));
  if (added.length) {
    throw conflict(
      "modified_input_needs_other_approval",
      `The changed request would also need ${added.map((r) => r.policyName).join(", ")}: reject this one and let the agent ask again. Nothing was changed.`,
      { policies: added.map((r) => ({ policyId: r.policyId, policyName: r.policyName })) },
    );
  }
  // The budgets count what the approver approved, as given (before redaction, like an agent's request).
  let approved = before;
  for (const c of asked) approved = withValueAt(approved, c.path, c.to);
  const counted = budgetsFor(
    budgets,
    { agentId: a.agent_id, cohort: a.cohort },
    a.action,
    a.resource,
    { agent: { ...agent, version: a.version ?? "" }, action: a.action, resource: a.resource, input: approved, context: a.context, now: new Date() },
    { keepZero: true },
  );
  if ("error" in counted) {
    throw badRequest("modified_input_denied", `The changed request is denied: ${counted.error.message}. Nothing was changed.`, { reasons: [{ code: counted.error.code, budget: counted.error.budget, message: counted.error.message }] });
  }
  const revised = await reviseReservations(run, a.id, counted.budgets);
  const hash = inputHash(after);
  await run(
    `UPDATE actions SET approved_input = $2::jsonb, approved_input_hash = $3,
            pii_markers = ARRAY(SELECT DISTINCT unnest(pii_markers || $4::text[])) WHERE id = $1`,
    [a.id, JSON.stringify(after), hash, redactor.markers],
  );
  return { before, after, changes: inputChanges(before, after), hash, budgets: revised };
}
