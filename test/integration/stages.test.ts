import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { escalateDueActions, expireDueActions } from "../../lib/actions/index.ts";
import { verifyAuditChain } from "../../lib/audit/index.ts";
import { pool } from "../../lib/db/index.ts";
import { unique, userWithToken } from "../support/fixtures.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { approvalPolicy, auditOf, bulk, markdown, queue, row, stageDue, team, vote } from "../support/escalation.ts";

let dp: Awaited<ReturnType<typeof startDataPlane>>;
beforeAll(async () => {
  dp = await startDataPlane();
  // A subscriber, so webhook deliveries are queued and can be read back.
  await pool().query(`INSERT INTO webhooks (id, url, events, secret, updated_at) VALUES ('wh_stages', 'https://hooks.example.com/x', ARRAY['approval.requested', 'approval.decided', 'approval.escalated'], 'whsec_test', now())`);
});
afterAll(() => dp.close());

const deliveries = async (actionId: string, event: string) =>
  (await pool().query<{ payload: { data: Record<string, any> } }>(`SELECT payload FROM webhook_deliveries WHERE event = $1 AND payload->'data'->>'actionId' = $2 ORDER BY created_at`, [event, actionId])).rows.map((r) => r.payload.data);

/** Merchandising (1 of 1) then finance (2 of 2): the deep markdown. */
async function twoStages(opts: { merchTimeout?: "escalate" | "reject" | "approve"; financeTimeout?: "escalate" | "reject" | "approve"; fallback?: boolean } = {}) {
  const cohort = unique("pricing");
  const merch = await team(2);
  const finance = await team(2);
  const fallback = opts.fallback ? await team(1) : null;
  await approvalPolicy(cohort, {
    stages: [
      { team: merch.name, quorum: 1, timeoutSeconds: 1800, onTimeout: opts.merchTimeout ?? "escalate" },
      { team: finance.name, quorum: 2, timeoutSeconds: 7200, onTimeout: opts.financeTimeout ?? "reject" },
    ],
    ...(fallback ? { fallbackTeam: fallback.name } : {}),
  });
  const a = await newAgent({ cohort });
  const api = client(dp.base, a.apiKey);
  const ask = async () => {
    const res = await api.ask(markdown());
    expect(res.json.status).toBe("pending");
    return res.json.id as string;
  };
  return { cohort, merch, finance, fallback, api, ask, ...a };
}

describe("routing and stages", () => {
  it("routes a deep markdown to merchandising first; its approval opens the finance stage, whose quorum of two approves", async () => {
    const s = await twoStages();
    const asked = await s.api.ask(markdown());
    expect(asked.json).toMatchObject({ decision: "pending", status: "pending", stage: { index: 0, of: 2, team: s.merch.name } });
    expect(Date.parse(asked.json.stage.expiresAt) - Date.now()).toBeGreaterThan(1790_000);
    // expiresAt is the latest it can stay pending: both stages' timeouts.
    expect(Date.parse(asked.json.expiresAt) - Date.now()).toBeGreaterThan(8990_000);
    const id = asked.json.id as string;
    const requested = await deliveries(id, "approval.requested");
    expect(requested[0]).toMatchObject({ agent: s.agent.name, owner: "owner@test.example", stage: { index: 0, team: s.merch.name }, input: { price: 50, currentPrice: 100 }, link: expect.stringMatching(new RegExp(`/approvals/${id}$`)) });

    // A finance approver can't act in the merchandising stage.
    const early = await vote(s.finance.people[0]!, id, { decision: "approve" });
    expect(early.status).toBe(403);
    expect(early.json.error.code).toBe("not_in_stage");
    expect((await row(id)).stage_index).toBe(0);

    const first = await vote(s.merch.people[0]!, id, { decision: "approve", comment: "fits the clearance plan" });
    expect(first.json).toMatchObject({ status: "pending", stage: { index: 1, of: 2, team: s.finance.name } });
    expect((await s.api.get(id)).json).toMatchObject({ status: "pending", stage: { index: 1, of: 2, team: s.finance.name } });
    expect((await auditOf(id, "approval.advanced"))[0]!.data).toMatchObject({ from: { index: 0 }, to: { index: 1, team: s.finance.name }, by: s.merch.people[0]!.user.email });
    expect((await deliveries(id, "approval.requested")).map((d) => d.stage.index)).toEqual([0, 1]);

    expect((await vote(s.finance.people[0]!, id, { decision: "approve" })).json).toMatchObject({ status: "pending", approvals: 1, quorum: 2 });
    const done = await vote(s.finance.people[1]!, id, { decision: "approve" });
    expect(done.json).toMatchObject({ status: "approved", approvals: 2, quorum: 2 });
    expect((await s.api.get(id)).json).toMatchObject({ decision: "allow", status: "approved" });
    const decided = await deliveries(id, "approval.decided");
    expect(decided).toHaveLength(1);
    expect(decided[0]).toMatchObject({ status: "approved", cause: "vote", stage: { index: 1, of: 2, team: s.finance.name }, modifiedInput: null });
    expect((await verifyAuditChain()).ok).toBe(true);
  });

  it("lets an admin act in any stage, recorded as an override; anyone's rejection rejects", async () => {
    const s = await twoStages();
    const id = await s.ask();
    const admin = await userWithToken("admin");
    expect((await vote(admin, id, { decision: "approve" })).json).toMatchObject({ status: "pending", override: true, stage: { index: 1 } });
    expect((await auditOf(id, "approval.granted"))[0]!.data).toMatchObject({ override: true, stage: { index: 0, team: s.merch.name } });
    const item = (await queue(admin, `cohort=${s.cohort}`)).json.approvals[0];
    expect(item.votes[0]).toMatchObject({ email: admin.user.email, override: true, stage: 0 });
    const rejected = await vote(s.finance.people[0]!, id, { decision: "reject", comment: "margin" });
    expect(rejected.json.status).toBe("rejected");
    expect((await s.api.get(id)).json).toMatchObject({ decision: "deny", status: "rejected" });
  });

  it("produces one decision when two approvers click the last approval at once (row lock)", async () => {
    const cohort = unique("race");
    const t = await team(2);
    await approvalPolicy(cohort, { stages: [{ team: t.name, quorum: 1, timeoutSeconds: 600, onTimeout: "reject" }] });
    const a = await newAgent({ cohort });
    const api = client(dp.base, a.apiKey);
    for (let round = 0; round < 3; round++) {
      const id = (await api.ask(markdown())).json.id as string;
      const results = await Promise.all(t.people.map((p) => vote(p, id, { decision: "approve" })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 409]);
      expect(await auditOf(id, "action.approved")).toHaveLength(1);
      expect(await deliveries(id, "approval.decided")).toHaveLength(1);
    }
  });
});

describe("escalation on timeout", () => {
  it("climbs to the next stage when a stage times out with onTimeout escalate: audited, sent, and the waiting agent sees the new stage", async () => {
    const s = await twoStages();
    const id = await s.ask();
    const before = await row(id);
    await stageDue(id);
    // The single-stage expiry job leaves staged actions alone; a read still says pending.
    await expireDueActions();
    expect((await s.api.get(id)).json).toMatchObject({ status: "pending", stage: { index: 0 } });
    expect(await escalateDueActions([id])).toEqual({ escalated: 1, settled: 0 });
    const after = await row(id);
    expect(after).toMatchObject({ status: "PENDING", stage_index: 1, stage_team_id: s.finance.id, quorum: 2 });
    expect(after.stage_expires_at.getTime() - Date.now()).toBeGreaterThan(7190_000);
    expect(after.expires_at.getTime()).not.toBe(before.expires_at.getTime());
    expect((await s.api.get(id)).json).toMatchObject({ decision: "pending", status: "pending", stage: { index: 1, of: 2, team: s.finance.name } });
    const [escalated] = await auditOf(id, "approval.escalated");
    expect(escalated).toMatchObject({ actor: "system", data: { onTimeout: "escalate", from: { index: 0, team: s.merch.name }, to: { index: 1, team: s.finance.name }, toFallbackTeam: false } });
    expect(escalated!.data.timedOutAt).toBeTruthy();
    const [hook] = await deliveries(id, "approval.escalated");
    expect(hook).toMatchObject({ agent: s.agent.name, from: { team: s.merch.name }, stage: { team: s.finance.name }, onTimeout: "escalate", link: expect.stringContaining(`/approvals/${id}`) });
    // A merchandiser's late vote now lands on a finance stage.
    expect((await vote(s.merch.people[0]!, id, { decision: "approve" })).json.error.code).toBe("not_in_stage");
  });

  it("settles by the last stage's onTimeout: reject rejects, approve approves (cause stage_timeout)", async () => {
    for (const [onTimeout, status] of [["reject", "rejected"], ["approve", "approved"]] as const) {
      const s = await twoStages({ merchTimeout: "approve", financeTimeout: onTimeout });
      const id = await s.ask();
      await stageDue(id);
      await escalateDueActions([id]); // stage 1 passes on timeout
      expect((await row(id)).stage_index).toBe(1);
      await stageDue(id);
      expect(await escalateDueActions([id])).toEqual({ escalated: 0, settled: 1 });
      expect((await s.api.get(id)).json.status).toBe(status);
      const [decided] = await deliveries(id, "approval.decided");
      expect(decided).toMatchObject({ status, cause: "stage_timeout", by: "system", stage: { index: 1 } });
    }
  });

  it("refuses a vote that arrives after its stage's deadline, and applies the timeout", async () => {
    const s = await twoStages();
    const id = await s.ask();
    await stageDue(id);
    const late = await vote(s.merch.people[0]!, id, { decision: "approve" });
    expect(late.status).toBe(409);
    expect(late.json.error.code).toBe("stage_timed_out");
    expect((await row(id)).stage_index).toBe(1);
    expect(await pool().query(`SELECT 1 FROM approvals WHERE action_id = $1`, [id]).then((r) => r.rowCount)).toBe(0);
  });

  it("escalates a last stage to the fallback team, whose timeout then expires the action", async () => {
    const s = await twoStages({ merchTimeout: "escalate", financeTimeout: "escalate", fallback: true });
    const id = await s.ask();
    await stageDue(id);
    await escalateDueActions([id]);
    await stageDue(id);
    expect(await escalateDueActions([id])).toEqual({ escalated: 1, settled: 0 });
    expect((await s.api.get(id)).json).toMatchObject({ status: "pending", stage: { index: 2, of: 3, team: s.fallback!.name } });
    expect((await auditOf(id, "approval.escalated"))[1]!.data).toMatchObject({ toFallbackTeam: true, to: { team: s.fallback!.name } });
    // One of the fallback team decides.
    expect((await vote(s.merch.people[1]!, id, { decision: "approve" })).json.error.code).toBe("not_in_stage");
    await stageDue(id);
    await escalateDueActions([id]);
    expect((await s.api.get(id)).json).toMatchObject({ decision: "deny", status: "expired" });
    expect((await deliveries(id, "approval.decided"))[0]).toMatchObject({ status: "expired", cause: "timeout" });
  });

  it("is swept by the job on its own, and leaves stages that are not due", async () => {
    const s = await twoStages();
    const due = await s.ask();
    const notDue = await s.ask();
    await stageDue(due);
    const swept = await escalateDueActions();
    expect(swept.escalated).toBeGreaterThanOrEqual(1);
    expect((await row(due)).stage_index).toBe(1);
    expect((await row(notDue)).stage_index).toBe(0);
  });
});

describe("combined policies", () => {
  it("take the union of their stages in priority order; a team named twice gets one stage with the strictest terms", async () => {
    const cohort = unique("union");
    const merch = await team(2);
    const finance = await team(1);
    await approvalPolicy(cohort, { stages: [{ team: merch.name, quorum: 1, timeoutSeconds: 1800, onTimeout: "escalate" }, { team: finance.name, quorum: 1, timeoutSeconds: 3600, onTimeout: "reject" }] }, { priority: 200 });
    await approvalPolicy(cohort, { stages: [{ team: merch.name, quorum: 2, timeoutSeconds: 900, onTimeout: "reject" }] }, { priority: 150 });
    await approvalPolicy(cohort, { quorum: 1, timeoutSeconds: 600 }, { priority: 100 });
    const a = await newAgent({ cohort });
    const id = (await client(dp.base, a.apiKey).ask(markdown())).json.id as string;
    const r = await row(id);
    expect(r.approval.stages.map((x: any) => [x.team, x.quorum, x.timeoutSeconds, x.onTimeout])).toEqual([
      [merch.name, 2, 900, "reject"],
      [finance.name, 1, 3600, "reject"],
      [null, 1, 600, "expire"],
    ]);
    expect(r.quorum).toBe(2);
  });
});

describe("the queue per person", () => {
  it("lists only what the caller can act on now, with counts per team; admins see all", async () => {
    const s = await twoStages();
    const ids = [await s.ask(), await s.ask()];
    const merchant = s.merch.people[0]!;
    const financier = s.finance.people[0]!;
    const mine = (who: { token: string }) => queue(who, `status=pending&mine=true&cohort=${s.cohort}`);
    expect((await mine(merchant)).json.approvals.map((a: { actionId: string }) => a.actionId)).toEqual(ids);
    expect((await mine(financier)).json.approvals).toEqual([]);
    const counts = (await mine(merchant)).json.counts;
    expect(counts.teams).toEqual(expect.arrayContaining([{ id: s.merch.id, name: s.merch.name, pending: 2, member: true }]));
    expect(counts.teams.find((t: { id: string }) => t.id === s.finance.id)).toBeUndefined(); // nothing waits for finance yet, and the merchandiser isn't in it
    expect(counts.mine).toBeGreaterThanOrEqual(2);
    const item = (await mine(merchant)).json.approvals[0];
    expect(item).toMatchObject({ stage: { index: 0, of: 2, team: s.merch.name }, stages: [{ team: s.merch.name }, { team: s.finance.name }], you: { canAct: true, override: false, voted: false } });

    await vote(merchant, ids[0]!, { decision: "approve" });
    expect((await mine(merchant)).json.approvals.map((a: { actionId: string }) => a.actionId)).toEqual([ids[1]]);
    expect((await mine(financier)).json.approvals.map((a: { actionId: string }) => a.actionId)).toEqual([ids[0]]);
    expect((await mine(s.finance.people[1]!)).json.counts.teams).toEqual(expect.arrayContaining([{ id: s.finance.id, name: s.finance.name, pending: 1, member: true }]));

    const admin = await userWithToken("admin");
    expect((await mine(admin)).json.approvals).toEqual([]); // in no team
    const all = (await queue(admin, `status=pending&cohort=${s.cohort}`)).json.approvals;
    expect(all).toHaveLength(2);
    expect(all[0].you).toEqual({ canAct: true, override: true, voted: false, vote: null });
    expect((await mine(await userWithToken("viewer"))).json.approvals).toEqual([]);
  });

  it("pages with a cursor, oldest first", async () => {
    const s = await twoStages();
    const ids = [await s.ask(), await s.ask(), await s.ask()];
    const who = s.merch.people[1]!;
    const first = await queue(who, `mine=true&cohort=${s.cohort}&limit=2`);
    expect(first.json.approvals.map((a: { actionId: string }) => a.actionId)).toEqual(ids.slice(0, 2));
    const next = await queue(who, `mine=true&cohort=${s.cohort}&limit=2&cursor=${encodeURIComponent(first.json.nextCursor)}`);
    expect(next.json.approvals.map((a: { actionId: string }) => a.actionId)).toEqual(ids.slice(2));
    expect(next.json.nextCursor).toBeNull();
    expect((await queue(who, `cursor=nonsense`)).status).toBe(400);
  });
});

describe("bulk decisions", () => {
  it("approve similar requests together with one comment, answering how many and their spread", async () => {
    const s = await twoStages();
    const ids: string[] = [];
    for (const price of [41, 58, 47]) ids.push((await s.api.ask(markdown(price))).json.id);
    const res = await bulk(s.merch.people[0]!, { actionIds: ids, decision: "approve", comment: "end-of-season plan" });
    expect(res.status).toBe(200);
    expect(res.json).toMatchObject({ decision: "approve", count: 3, spread: { price: { min: 41, max: 58 }, currentPrice: { min: 100, max: 100 } } });
    for (const id of ids) {
      expect((await row(id)).stage_index).toBe(1);
      expect((await auditOf(id, "approval.granted"))[0]!.data).toMatchObject({ comment: "end-of-season plan", bulk: { count: 3 } });
    }
  });

  it("refuse mixed policies, votes outside one's stage, and a missing comment — all or nothing", async () => {
    const s = await twoStages();
    const other = await twoStages();
    const a = await s.ask();
    const b = await s.ask();
    const mixed = await bulk(s.merch.people[0]!, { actionIds: [a, await other.ask()], decision: "approve", comment: "x" });
    expect(mixed.status).toBe(400);
    expect(mixed.json.error.code).toBe("bulk_mixed");
    await vote(s.merch.people[1]!, b, { decision: "approve" }); // b is now at the finance stage
    const partly = await bulk(s.merch.people[0]!, { actionIds: [a, b], decision: "reject", comment: "no" });
    expect(partly.status).toBe(403);
    expect(partly.json.error.code).toBe("not_in_stage");
    expect(partly.json.error.message).toContain(b);
    expect((await row(a)).status).toBe("PENDING");
    expect(await pool().query(`SELECT 1 FROM approvals WHERE action_id = $1`, [a]).then((r) => r.rowCount)).toBe(0);
    expect((await bulk(s.merch.people[0]!, { actionIds: [a], decision: "approve" })).status).toBe(400);
    expect((await bulk(await userWithToken("operator"), { actionIds: [a], decision: "approve", comment: "x" })).status).toBe(403);
  });
});
