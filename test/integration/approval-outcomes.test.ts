import { readFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as actionRoute from "../../app/api/actions/[id]/route.ts";
import * as approveRoute from "../../app/api/approvals/[actionId]/route.ts";
import * as queueRoute from "../../app/api/approvals/route.ts";
import { expireDueActions } from "../../lib/actions/index.ts";
import { MIGRATIONS_DIR } from "../../lib/boot/index.ts";
import { pool } from "../../lib/db/index.ts";
import { halt } from "../../lib/killswitch/index.ts";
import { createPolicy, policySpecSchema } from "../../lib/policies/index.ts";
import { call, unique, userWithToken } from "../support/fixtures.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";

// Issue 17 items 1, 3 and 4: how approvals end (one label per ending), the queue's pages and
// total, and the caller's own vote — as the API answers them.

let dp: Awaited<ReturnType<typeof startDataPlane>>;
beforeAll(async () => {
  dp = await startDataPlane();
});
afterAll(() => dp.close());

/** An agent in a fresh cohort whose refunds over 500 need `quorum` approvals, and `n` pending refunds of it (oldest first). */
async function pending(n: number, quorum = 1) {
  const cohort = unique("ends");
  const a = await newAgent({ cohort });
  await createPolicy({
    spec: policySpecSchema.parse({ name: unique("p"), effect: "require_approval", target: { cohorts: [cohort] }, condition: "input.amount > 500.0", message: "Refunds over 500 need approval", approval: { quorum, timeoutSeconds: 7200 } }),
    actor: "system",
    userId: null,
  });
  const api = client(dp.base, a.apiKey);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const res = await api.ask({ action: "orders.refund", resource: `order:${i}`, input: { amount: 900 + i } });
    expect(res.json.status).toBe("pending");
    ids.push(res.json.id as string);
  }
  return { ...a, cohort, ids };
}

const vote = (token: string, actionId: string, body: unknown) => call(approveRoute.POST, { token, params: { actionId }, body });
const decided = async (token: string, id: string) => (await call(queueRoute.GET, { token, path: `/api/approvals?status=decided&id=${id}` })).json.approvals[0];
const action = async (token: string, id: string) => (await call(actionRoute.GET, { token, params: { id } })).json.action;

describe("how an approval ended", () => {
  it("names each ending by what ended it, the same in the queue's history and on the action", async () => {
    const p = await pending(4);
    const [approver, viewer] = [await userWithToken("approver"), await userWithToken("viewer")];
    const [byPerson, rejected, expired, halted] = p.ids as [string, string, string, string];
    expect((await vote(approver.token, byPerson, { decision: "approve" })).status).toBe(200);
    expect((await vote(approver.token, rejected, { decision: "reject", comment: "no" })).status).toBe(200);
    await pool().query("UPDATE actions SET expires_at = now() - interval '1 second' WHERE id = $1", [expired]);
    expect(await expireDueActions([expired])).toBe(1);
    // The halt rejects the one still pending, its timeout two hours away.
    await halt({ scope: { kind: "agent", agentId: p.agent.id }, reason: "runaway refunds", actor: "system" });

    const want = {
      [byPerson]: { code: "approved", label: "Approved", endedBy: "vote" },
      [rejected]: { code: "rejected", label: "Rejected by an approver", endedBy: "vote" },
      [expired]: { code: "expired", label: "Expired: no decision in time", endedBy: "timeout" },
      [halted]: { code: "rejected_by_halt", label: "Rejected by a halt", endedBy: "halt" },
    };
    for (const [id, outcome] of Object.entries(want)) {
      expect((await decided(viewer.token, id)).outcome).toEqual(outcome);
      expect((await action(viewer.token, id)).outcome).toEqual(outcome);
    }
    // A halted approval is still `rejected` (decision deny) for agents: only the words for people change.
    expect(await action(viewer.token, halted)).toMatchObject({ status: "rejected", decision: "deny" });
  });

  it("has no outcome while pending, nor for an action decided at once", async () => {
    const p = await pending(1);
    const viewer = await userWithToken("viewer");
    expect((await action(viewer.token, p.ids[0]!)).outcome).toBeNull();
    const res = await client(dp.base, p.apiKey).ask({ action: "orders.refund", resource: "order:small", input: { amount: 10 } });
    expect(res.json.status).toBe("allowed");
    expect((await action(viewer.token, res.json.id as string)).outcome).toBeNull();
  });

  it("reads the endings of approvals settled before the cause was stored from their last reason (the backfill migration)", async () => {
    const p = await pending(4);
    const [byPerson, expired, halted, staged] = p.ids as [string, string, string, string];
    const settle = (id: string, status: string, reason: object) =>
      pool().query(`UPDATE actions SET status = $2::"ActionStatus", decided_at = now(), reasons = reasons || $3::jsonb WHERE id = $1`, [id, status, JSON.stringify([reason])]);
    await settle(byPerson, "REJECTED", { code: "policy", message: "Rejected by someone@test.example" });
    await settle(expired, "EXPIRED", { code: "policy", message: "No decision before the approval timed out" });
    await settle(halted, "REJECTED", { code: "agent_halted", message: "Rejected by halt: runaway" });
    await settle(staged, "APPROVED", { code: "policy", message: "No decision before stage 1 of 2 (finance) timed out; its policy approves on timeout" });
    const backfill = await readFile(path.join(MIGRATIONS_DIR, "20261129215001_action_settle_cause_backfill", "migration.sql"), "utf8");
    await pool().query(backfill);
    const { rows } = await pool().query<{ id: string; settle_cause: string }>("SELECT id, settle_cause FROM actions WHERE id = ANY($1::text[])", [p.ids]);
    expect(Object.fromEntries(rows.map((r) => [r.id, r.settle_cause]))).toEqual({ [byPerson]: "vote", [expired]: "timeout", [halted]: "halt", [staged]: "stage_timeout" });
  });
});

describe("the queue's pages", () => {
  it("says how many match on every page, and the cursor reaches the newest", async () => {
    const p = await pending(3);
    const viewer = await userWithToken("viewer");
    const first = await call(queueRoute.GET, { token: viewer.token, path: `/api/approvals?cohort=${p.cohort}&limit=2` });
    expect(first.status).toBe(200);
    expect(first.json.total).toBe(3);
    expect(first.json.approvals.map((a: { actionId: string }) => a.actionId)).toEqual(p.ids.slice(0, 2));
    const next = await call(queueRoute.GET, { token: viewer.token, path: `/api/approvals?cohort=${p.cohort}&limit=2&cursor=${encodeURIComponent(first.json.nextCursor as string)}` });
    expect(next.json).toMatchObject({ total: 3, nextCursor: null });
    expect(next.json.approvals.map((a: { actionId: string }) => a.actionId)).toEqual([p.ids[2]]);
    // Past the end: an empty page still says how many match.
    const lastCursor = `${next.json.approvals[0].createdAt as string}|${p.ids[2]!}`;
    expect((await call(queueRoute.GET, { token: viewer.token, path: `/api/approvals?cohort=${p.cohort}&limit=2&cursor=${encodeURIComponent(lastCursor)}` })).json).toMatchObject({ approvals: [], total: 3 });
    // Existing callers: no limit, one page, as before.
    const all = await call(queueRoute.GET, { token: viewer.token, path: `/api/approvals?cohort=${p.cohort}` });
    expect(all.json).toMatchObject({ total: 3, nextCursor: null });
    expect(all.json.approvals).toHaveLength(3);
  });
});

describe("your own vote", () => {
  it("tells an approver of a quorum-2 item that they approved and how many more are needed", async () => {
    const p = await pending(1, 2);
    const id = p.ids[0]!;
    const [ada, bea] = [await userWithToken("approver"), await userWithToken("approver")];
    const item = async (token: string) => (await call(queueRoute.GET, { token, path: `/api/approvals?id=${id}` })).json.approvals[0];
    expect(await item(ada.token)).toMatchObject({ votesNeeded: 2, outcome: null, you: { canAct: true, voted: false, vote: null } });
    expect((await vote(ada.token, id, { decision: "approve" })).json).toMatchObject({ status: "pending", approvals: 1, quorum: 2 });
    expect(await item(ada.token)).toMatchObject({ votesNeeded: 1, you: { canAct: false, voted: true, vote: "approve" } });
    expect(await item(bea.token)).toMatchObject({ votesNeeded: 1, you: { canAct: true, voted: false, vote: null } });
  });
});
