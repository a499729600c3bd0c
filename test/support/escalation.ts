// Helpers for the escalation-path tests: people, teams and staged policies, made through the
// product's own routes and functions.
import * as teamsRoute from "../../app/api/teams/route.ts";
import * as approveRoute from "../../app/api/approvals/[actionId]/route.ts";
import * as bulkRoute from "../../app/api/approvals/bulk/route.ts";
import * as queueRoute from "../../app/api/approvals/route.ts";
import type { RoleName } from "../../lib/auth/index.ts";
import { pool } from "../../lib/db/index.ts";
import { createPolicy, policySpecSchema } from "../../lib/policies/index.ts";
import { call, unique, userWithToken } from "./fixtures.ts";

let admin: Awaited<ReturnType<typeof userWithToken>> | null = null;
export async function teamAdmin() {
  return (admin ??= await userWithToken("admin"));
}

export type Person = Awaited<ReturnType<typeof userWithToken>>;

/** A team of `n` new approvers (or the people given), created through POST /api/teams. */
export async function team(n: number, opts: { people?: Person[]; cohorts?: string[]; role?: RoleName } = {}) {
  const people = opts.people ?? (await Promise.all(Array.from({ length: n }, () => userWithToken(opts.role ?? "approver"))));
  const name = unique("team");
  const res = await call(teamsRoute.POST, { token: (await teamAdmin()).token, body: { name, members: people.map((p) => p.user.id), ...(opts.cohorts ? { cohorts: opts.cohorts } : {}) } });
  if (res.status !== 201) throw new Error(`team: ${res.status} ${res.text}`);
  return { id: res.json.team.id as string, name, people };
}

/** A require_approval policy for a cohort; `approval` as the API takes it. */
export async function approvalPolicy(cohort: string, approval: Record<string, unknown>, over: Record<string, unknown> = {}) {
  return createPolicy({
    spec: policySpecSchema.parse({ name: unique("p"), effect: "require_approval", target: { cohorts: [cohort] }, condition: "input.price < input.currentPrice * 0.6", message: "Deep markdown", approval, ...over }),
    actor: "system",
    userId: null,
  });
}

export const vote = (who: { token: string }, actionId: string, body: Record<string, unknown>) => call(approveRoute.POST, { token: who.token, params: { actionId }, body });
export const bulk = (who: { token: string }, body: Record<string, unknown>) => call(bulkRoute.POST, { token: who.token, body });
export const queue = (who: { token: string }, query: string) => call(queueRoute.GET, { token: who.token, path: `/api/approvals?${query}` });

export async function row(actionId: string) {
  return (await pool().query(`SELECT status, quorum, stage_index, stage_team_id, stage_expires_at, expires_at, approved_input, approved_input_hash, approval FROM actions WHERE id = $1`, [actionId])).rows[0];
}

export async function auditOf(actionId: string, kind?: string) {
  return (
    await pool().query<{ kind: string; actor: string; data: Record<string, any> }>(
      `SELECT kind, actor, data FROM audit_events WHERE subject = $1 ${kind ? "AND kind = $2" : ""} ORDER BY seq`,
      kind ? [`action:${actionId}`, kind] : [`action:${actionId}`],
    )
  ).rows;
}

/** Makes a staged action's current stage due now (instead of waiting for its timeout). */
export async function stageDue(actionId: string) {
  await pool().query(`UPDATE actions SET stage_expires_at = now() - interval '1 second' WHERE id = $1`, [actionId]);
}

export const markdown = (price = 50, currentPrice = 100) => ({ action: "pricing.set_price", resource: `sku:${unique("LUX")}`, input: { sku: "LUX-1", currentPrice, price, currency: "EUR" } });
