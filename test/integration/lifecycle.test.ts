import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { expireDueActions, settlePending } from "../../lib/actions/index.ts";
import { decideApproval } from "../../lib/approvals/index.ts";
import { verifyAuditChain } from "../../lib/audit/index.ts";
import { pool, withPgTransaction } from "../../lib/db/index.ts";
import { halt } from "../../lib/killswitch/index.ts";
import { createPolicy, policySpecSchema } from "../../lib/policies/index.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { unique, userWithToken } from "../support/fixtures.ts";

// The action lifecycle has one owner (lib/actions settlePending): whatever settles a pending
// action — a vote, the timeout, a halt — writes the same audit event shape, the same
// `approval.decided` webhook payload, and a NOTIFY; reads never write.

let dp: Awaited<ReturnType<typeof startDataPlane>>;
beforeAll(async () => {
  dp = await startDataPlane();
  // A subscriber, so approval.decided deliveries are queued and can be inspected.
  await pool().query(`INSERT INTO webhooks (id, url, events, secret, updated_at) VALUES ('wh_lifecycle', 'https://hooks.example.com/x', ARRAY['approval.decided'], 'whsec_test', now())`);
});
afterAll(() => dp.close());

async function pending(cohort = unique("life")) {
  const a = await newAgent({ cohort });
  await createPolicy({
    spec: policySpecSchema.parse({ name: unique("p"), effect: "require_approval", target: { cohorts: [cohort] }, condition: "true", message: "needs a human" }),
    actor: "system",
    userId: null,
  });
  const api = client(dp.base, a.apiKey);
  const res = await api.ask({ action: "orders.refund", resource: "order:9", input: { amount: 10 } });
  expect(res.json.status).toBe("pending");
  return { ...a, api, cohort, id: res.json.id as string };
}

/** Waits for a condition the test can observe (no fixed sleeps), failing after 20 s. */
async function until(check: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 20_000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not reached in 20 s");
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Sessions of this database waiting for a lock (row or table). */
const lockWaiters = async () =>
  (await pool().query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`)).rows[0]!.n;

const payloadOf = async (actionId: string) =>
  (await pool().query<{ payload: { data: Record<string, unknown> } }>(`SELECT payload FROM webhook_deliveries WHERE event = 'approval.decided' AND payload->'data'->>'actionId' = $1`, [actionId])).rows.map((r) => r.payload.data);
const settledAudit = async (actionId: string) =>
  (await pool().query<{ kind: string; data: Record<string, unknown> }>(`SELECT kind, data FROM audit_events WHERE subject = $1 AND kind IN ('action.approved', 'action.rejected', 'action.expired')`, [`action:${actionId}`])).rows;

describe("the action lifecycle", () => {
  it("settles by vote, timeout and halt through one transition: same audit shape, same webhook payload, halts included", async () => {
    const byVote = await pending();
    const approver = await userWithToken("approver");
    await decideApproval({ actionId: byVote.id, principal: approver.principal, input: { decision: "approve" } });

    const byTimeout = await pending();
    await pool().query(`UPDATE actions SET expires_at = now() - interval '1 second' WHERE id = $1`, [byTimeout.id]);
    expect(await expireDueActions()).toBeGreaterThanOrEqual(1);

    const byHalt = await pending();
    const ops = await userWithToken("operator");
    await halt({ scope: { kind: "cohort", name: byHalt.cohort }, reason: "incident 42", actor: `user:${ops.user.id}` });

    const payloads = await Promise.all([byVote, byTimeout, byHalt].map((p) => payloadOf(p.id)));
    for (const p of payloads) expect(p).toHaveLength(1);
    const [vote, timeout, halted] = payloads.map((p) => p[0]!);
    // One shape whatever the cause.
    expect(Object.keys(timeout!).sort()).toEqual(Object.keys(vote!).sort());
    expect(Object.keys(halted!).sort()).toEqual(Object.keys(vote!).sort());
    expect(vote).toMatchObject({ status: "approved", cause: "vote", by: approver.user.email, approvals: 1, agentId: byVote.agent.id, agent: byVote.agent.name });
    expect(timeout).toMatchObject({ status: "expired", cause: "timeout", by: "system", reason: "No decision before the approval timed out" });
    expect(halted).toMatchObject({ status: "rejected", cause: "halt", by: ops.user.email, reason: "Rejected by halt: incident 42", cohort: byHalt.cohort });

    const audits = await Promise.all([byVote, byTimeout, byHalt].map((p) => settledAudit(p.id)));
    expect(audits.map((a) => a.map((e) => e.kind))).toEqual([["action.approved"], ["action.expired"], ["action.rejected"]]);
    expect(audits.map((a) => a[0]!.data.cause)).toEqual(["vote", "timeout", "halt"]);
    expect((await verifyAuditChain()).ok).toBe(true);
  });

  it("a vote settled before the timeout but committing after it wins: a reader waits for it instead of answering expired", async () => {
    const p = await pending();
    const approver = await userWithToken("approver");
    await pool().query(`UPDATE actions SET expires_at = clock_timestamp() + interval '2 seconds' WHERE id = $1`, [p.id]);
    // Hold the vote's transaction open after its settlement: its webhook insert waits on this lock.
    const holder = await pool().connect();
    try {
      await holder.query("BEGIN");
      await holder.query("LOCK TABLE webhook_deliveries IN EXCLUSIVE MODE");
      const vote = decideApproval({ actionId: p.id, principal: approver.principal, input: { decision: "approve" } });
      await until(async () => (await lockWaiters()) >= 1);
      await until(async () => (await pool().query(`SELECT clock_timestamp() > expires_at AS late FROM actions WHERE id = $1`, [p.id])).rows[0].late);
      const read = p.api.get(p.id, 5); // the action is overdue now, with a settlement in flight
      await until(async () => (await lockWaiters()) >= 2); // the vote, and now the reader behind it
      await holder.query("COMMIT");
      expect(await vote).toMatchObject({ status: "approved" });
      expect((await read).json).toMatchObject({ decision: "allow", status: "approved" });
    } finally {
      holder.release();
    }
    expect(await settledAudit(p.id)).toEqual([expect.objectContaining({ kind: "action.approved" })]);
  });

  it("a vote whose settlement comes after the timeout is refused whole; the action expires, as a reader was told", async () => {
    const p = await pending();
    const approver = await userWithToken("approver");
    await pool().query(`UPDATE actions SET expires_at = clock_timestamp() + interval '2 seconds' WHERE id = $1`, [p.id]);
    // The vote locks the row in time but its audit write waits (every chain head held) past the timeout.
    const holder = await pool().connect();
    try {
      await holder.query("BEGIN");
      await holder.query("SELECT chain FROM audit_chain_heads ORDER BY chain FOR UPDATE");
      const vote = decideApproval({ actionId: p.id, principal: approver.principal, input: { decision: "approve" } }).catch((e: unknown) => e);
      await until(async () => (await lockWaiters()) >= 1);
      await until(async () => (await pool().query(`SELECT clock_timestamp() > expires_at AS late FROM actions WHERE id = $1`, [p.id])).rows[0].late);
      const read = p.api.get(p.id);
      await holder.query("COMMIT");
      expect(await vote).toMatchObject({ code: "action_expired" });
      expect((await read).json).toMatchObject({ decision: "deny", status: "expired" });
    } finally {
      holder.release();
    }
    const row = (await pool().query<{ status: string; votes: number }>(`SELECT status, (SELECT count(*)::int FROM approvals WHERE action_id = a.id) AS votes FROM actions a WHERE id = $1`, [p.id])).rows[0]!;
    expect(row).toEqual({ status: "EXPIRED", votes: 0 });
    expect(await settledAudit(p.id)).toEqual([expect.objectContaining({ kind: "action.expired" })]);
    expect(await payloadOf(p.id)).toHaveLength(1);
  });

  it("answers an overdue action as expired without writing; the job then records exactly that answer", async () => {
    const p = await pending();
    await pool().query(`UPDATE actions SET expires_at = now() - interval '1 second' WHERE id = $1`, [p.id]);
    const read = await p.api.get(p.id);
    expect(read.json).toMatchObject({ decision: "deny", status: "expired" });
    const row = async () => (await pool().query<{ status: string; reasons: unknown[] }>(`SELECT status, reasons FROM actions WHERE id = $1`, [p.id])).rows[0]!;
    expect((await row()).status).toBe("PENDING"); // the read wrote nothing
    expect(await settledAudit(p.id)).toHaveLength(0);
    await expireDueActions([p.id]);
    const after = await row();
    expect(after.status).toBe("EXPIRED");
    expect((await p.api.get(p.id)).json).toEqual(read.json);
  });

  it("settles only what is still pending: a second settlement of the same action changes nothing", async () => {
    const p = await pending();
    const settle = (outcome: "approved" | "rejected") =>
      withPgTransaction((run) => settlePending(run, { target: { ids: [p.id] }, outcome, cause: "vote", reason: { code: "policy", message: outcome }, actor: "system", by: "test" }));
    const [a, b] = await Promise.all([settle("approved"), settle("rejected")]);
    expect(a.length + b.length).toBe(1);
    expect(await settledAudit(p.id)).toHaveLength(1);
    expect(await payloadOf(p.id)).toHaveLength(1);
  });
});
