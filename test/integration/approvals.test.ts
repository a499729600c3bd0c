import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as approveRoute from "../../app/api/approvals/[actionId]/route.ts";
import * as queueRoute from "../../app/api/approvals/route.ts";
import { listAuditEvents } from "../../lib/audit/index.ts";
import { pool } from "../../lib/db/index.ts";
import { expireDueActions } from "../../lib/actions/index.ts";
import { createPolicy, policySpecSchema } from "../../lib/policies/index.ts";
import { call, unique, userWithToken } from "../support/fixtures.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";

let dp: Awaited<ReturnType<typeof startDataPlane>>;
beforeAll(async () => {
  dp = await startDataPlane();
});
afterAll(() => dp.close());

async function pendingAction(opts: { quorum?: number; timeoutSeconds?: number; owner?: string } = {}) {
  const cohort = unique("hitl");
  const a = await newAgent({ cohort, owner: opts.owner });
  await createPolicy({
    spec: policySpecSchema.parse({ name: unique("p"), effect: "require_approval", target: { cohorts: [cohort] }, condition: "input.amount > 500.0", message: "Refunds over 500 need approval", approval: { quorum: opts.quorum ?? 1, timeoutSeconds: opts.timeoutSeconds ?? 3600 } }),
    actor: "system",
    userId: null,
  });
  const api = client(dp.base, a.apiKey);
  const res = await api.ask({ action: "orders.refund", resource: "order:1", input: { amount: 900 } });
  expect(res.json.status).toBe("pending");
  return { ...a, api, cohort, actionId: res.json.id as string };
}

const vote = (token: string, actionId: string, body: unknown) => call(approveRoute.POST, { token, params: { actionId }, body });

describe("the approval queue", () => {
  it("shows a pending action with its agent, owner, policy and quorum, and an approval wakes the waiting agent", async () => {
    const p = await pendingAction();
    const approver = await userWithToken("approver");
    const queue = await call(queueRoute.GET, { token: approver.token, path: `/api/approvals?cohort=${p.cohort}` });
    expect(queue.json.approvals).toEqual([
      expect.objectContaining({ actionId: p.actionId, quorum: 1, votes: [], agent: expect.objectContaining({ owner: "owner@test.example", cohort: p.cohort }), reasons: [expect.objectContaining({ message: "Refunds over 500 need approval" })] }),
    ]);
    const waiting = p.api.get(p.actionId, 20);
    await new Promise((r) => setTimeout(r, 300));
    const started = Date.now();
    const res = await vote(approver.token, p.actionId, { decision: "approve", comment: "customer is VIP" });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ status: "approved", approvals: 1, quorum: 1 });
    const answer = await waiting;
    expect(Date.now() - started).toBeLessThan(3000);
    expect(answer.json).toMatchObject({ decision: "allow", status: "approved" });
    const kinds = (await listAuditEvents({ subject: `action:${p.actionId}`, limit: 10 })).events.map((e) => e.kind);
    expect(kinds).toEqual(["action.approved", "approval.granted", "action.decided"]);
    const history = await call(queueRoute.GET, { token: approver.token, path: `/api/approvals?status=decided&cohort=${p.cohort}` });
    expect(history.json.approvals[0]).toMatchObject({ status: "approved", votes: [expect.objectContaining({ email: approver.principal.email, comment: "customer is VIP" })] });
    expect(history.json.approvals[0].waitedMs).toBeGreaterThan(0);
  });

  it("needs N distinct approvers for a quorum of N; the same user counts once", async () => {
    const p = await pendingAction({ quorum: 2 });
    const [a, b] = [await userWithToken("approver"), await userWithToken("admin")];
    expect((await vote(a.token, p.actionId, { decision: "approve" })).json).toMatchObject({ status: "pending", approvals: 1, quorum: 2 });
    const twice = await vote(a.token, p.actionId, { decision: "approve" });
    expect(twice.status).toBe(409);
    expect(twice.json.error.code).toBe("already_voted");
    expect((await vote(b.token, p.actionId, { decision: "approve" })).json).toMatchObject({ status: "approved", approvals: 2 });
    const late = await vote((await userWithToken("approver")).token, p.actionId, { decision: "approve" });
    expect(late.status).toBe(409);
    expect(late.json.error.code).toBe("action_decided");
  });

  it("lets anyone's rejection reject", async () => {
    const p = await pendingAction({ quorum: 3 });
    await vote((await userWithToken("approver")).token, p.actionId, { decision: "approve" });
    const res = await vote((await userWithToken("approver")).token, p.actionId, { decision: "reject", comment: "looks like fraud" });
    expect(res.json.status).toBe("rejected");
    expect((await p.api.get(p.actionId)).json).toMatchObject({ decision: "deny", status: "rejected" });
  });

  it("refuses the agent's owner as the only approver, but counts them beside another", async () => {
    const owner = await userWithToken("approver");
    const p = await pendingAction({ owner: owner.principal.email });
    const alone = await vote(owner.token, p.actionId, { decision: "approve" });
    expect(alone.status).toBe(403);
    expect(alone.json.error.code).toBe("owner_cannot_approve_alone");
    expect((await pool().query("SELECT count(*)::int AS n FROM approvals WHERE action_id = $1", [p.actionId])).rows[0].n).toBe(0);

    const p2 = await pendingAction({ owner: owner.principal.email, quorum: 2 });
    expect((await vote((await userWithToken("approver")).token, p2.actionId, { decision: "approve" })).json.status).toBe("pending");
    expect((await vote(owner.token, p2.actionId, { decision: "approve" })).json.status).toBe("approved");
  });

  it("produces one decision when two approvers click the last approval at once", async () => {
    for (let round = 0; round < 3; round++) {
      const p = await pendingAction({ quorum: 1 });
      const [a, b] = [await userWithToken("approver"), await userWithToken("approver")];
      const results = await Promise.all([vote(a.token, p.actionId, { decision: "approve" }), vote(b.token, p.actionId, { decision: "approve" })]);
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      const { rows } = await pool().query("SELECT count(*)::int AS n FROM audit_events WHERE subject = $1 AND kind = 'action.approved'", [`action:${p.actionId}`]);
      expect(rows[0].n).toBe(1);
    }
  });

  it("expires an action at its timeout, audited, and refuses votes on it", async () => {
    const p = await pendingAction({ timeoutSeconds: 10 });
    await pool().query("UPDATE actions SET expires_at = now() - interval '1 second' WHERE id = $1", [p.actionId]);
    expect(await expireDueActions()).toBeGreaterThanOrEqual(1);
    expect((await p.api.get(p.actionId)).json).toMatchObject({ decision: "deny", status: "expired" });
    const res = await vote((await userWithToken("approver")).token, p.actionId, { decision: "approve" });
    expect(res.status).toBe(409);
    expect((await listAuditEvents({ subject: `action:${p.actionId}`, kind: "action.expired", limit: 1 })).events).toHaveLength(1);
  });

  it.each([
    ["a viewer", "viewer", { decision: "approve" }, 403],
    ["an operator", "operator", { decision: "approve" }, 403],
    ["an unknown decision", "approver", { decision: "maybe" }, 400],
    ["a comment over 2,000 characters", "approver", { decision: "approve", comment: "x".repeat(2001) }, 400],
  ] as const)("refuses %s and changes nothing", async (_l, role, body, status) => {
    const p = await pendingAction();
    const u = await userWithToken(role);
    expect((await vote(u.token, p.actionId, body)).status).toBe(status);
    expect((await p.api.get(p.actionId)).json.status).toBe("pending");
  });

  it("answers 404 for an unknown action", async () => {
    const u = await userWithToken("approver");
    expect((await vote(u.token, "act_nope", { decision: "approve" })).status).toBe(404);
  });
});
