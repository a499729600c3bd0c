import { z } from "zod";
import { escalateDueActions, expireDueActions } from "../actions/index.ts";
import type { Principal } from "../auth/index.ts";
import { lockBudgetsOf } from "../budgets/index.ts";
import { withPgTransaction } from "../db/index.ts";
import { badRequest, conflict, notFound, WardenError } from "../errors/index.ts";
import { castVote, type ApprovalOutcome } from "./cast-vote.ts";
import { approvalPolicyIds, lockActions, overdue, type LockedAction } from "./locked-action.ts";

export const MAX_BULK = 200;

export const bulkDecisionSchema = z.strictObject({
  actionIds: z
    .array(z.string().min(1).max(64))
    .min(1)
    .max(MAX_BULK)
    .refine((ids) => new Set(ids).size === ids.length, "each action once"),
  decision: z.enum(["approve", "reject"]),
  comment: z.string().trim().min(1, "one comment says why, for all of them").max(2000, "at most 2,000 characters"),
});
export type BulkDecision = z.infer<typeof bulkDecisionSchema>;

/** The range of each number every input has at the top level (e.g. price from 41 to 58). */
export type Spread = Record<string, { min: number; max: number }>;

export function spreadOf(inputs: Record<string, unknown>[]): Spread {
  const out: Spread = {};
  const first = inputs[0] ?? {};
  for (const k of Object.keys(first).sort()) {
    const values = inputs.map((i) => i[k]);
    if (!values.every((v): v is number => typeof v === "number" && Number.isFinite(v))) continue;
    out[k] = { min: Math.min(...values), max: Math.max(...values) };
  }
  return out;
}

export type BulkOutcome = { decision: "approve" | "reject"; count: number; spread: Spread; actions: ApprovalOutcome[] };

const similarity = (a: LockedAction) => JSON.stringify([a.agent_id, a.action, approvalPolicyIds(a), a.reasons.some((r) => r.code === "handoff")]);

/**
 * Approves or rejects similar pending actions together with one comment
 * (`POST /api/approvals/bulk`): all of the same agent, the same action and held by the same
 * policies — never across policies (400 bulk_mixed). All or nothing, in one transaction that
 * locks them in id order: each vote follows castVote's rules (stage team, segregation of
 * duties, once per person), and if any is refused none is recorded (the error names the
 * action). Answers how many and the spread of their numbers.
 */
export async function decideBulk({ principal, input }: { principal: Principal; input: BulkDecision }): Promise<BulkOutcome> {
  let late: { expired: string[]; stage: string[] } | null = null;
  const outcome = await withPgTransaction(async (run) => {
    const rows = await lockActions(run, input.actionIds);
    const missing = input.actionIds.filter((id) => !rows.some((r) => r.id === id));
    if (missing.length) throw notFound(`Action ${missing.join(", ")}`);
    const expired = rows.filter((r) => overdue(r) === "expired").map((r) => r.id);
    const stage = rows.filter((r) => overdue(r) === "stage").map((r) => r.id);
    if (expired.length || stage.length) {
      late = { expired, stage };
      return null;
    }
    const decided = rows.filter((r) => r.status !== "PENDING");
    if (decided.length) throw conflict("action_decided", `Already decided: ${decided.map((r) => `${r.id} (${r.status.toLowerCase()})`).join(", ")}. Nothing was recorded.`, { actionIds: decided.map((r) => r.id) });
    const groups = new Map<string, string[]>();
    for (const r of rows) groups.set(similarity(r), [...(groups.get(similarity(r)) ?? []), r.id]);
    if (groups.size > 1) {
      throw badRequest("bulk_mixed", "Decide together only on similar requests: the same agent, the same action and the same policies. Nothing was recorded.", { groups: [...groups.values()] });
    }
    // Budgets before the audit chain head the votes' events take, as decisions lock them.
    await lockBudgetsOf(run, rows.map((r) => r.id));
    const actions: ApprovalOutcome[] = [];
    for (const r of rows) {
      try {
        actions.push(await castVote(run, r, principal, { decision: input.decision, comment: input.comment }, { bulk: { count: rows.length } }));
      } catch (err) {
        if (err instanceof WardenError) throw new WardenError(err.code, `${r.id}: ${err.message}. Nothing was recorded.`, err.details);
        throw err;
      }
    }
    return { decision: input.decision, count: rows.length, spread: spreadOf(rows.map((r) => r.approved_input ?? r.input)), actions };
  });
  const overdueIds = late as { expired: string[]; stage: string[] } | null;
  if (overdueIds) {
    if (overdueIds.expired.length) await expireDueActions(overdueIds.expired);
    if (overdueIds.stage.length) await escalateDueActions(overdueIds.stage);
    throw conflict("stage_timed_out", `Some of these timed out before the decision and moved on (${[...overdueIds.expired, ...overdueIds.stage].join(", ")}). Nothing was recorded: look again.`, overdueIds);
  }
  return outcome!;
}
