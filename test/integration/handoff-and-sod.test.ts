import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as agentRoute from "../../app/api/agents/[id]/route.ts";
import { pool } from "../../lib/db/index.ts";
import { createPolicy, policySpecSchema } from "../../lib/policies/index.ts";
import { call, unique, userWithToken } from "../support/fixtures.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { approvalPolicy, auditOf, markdown, queue, row, team, teamAdmin, vote } from "../support/escalation.ts";

let dp: Awaited<ReturnType<typeof startDataPlane>>;
beforeAll(async () => {
  dp = await startDataPlane();
});
afterAll(() => dp.close());

const policy = (cohort: string, p: Record<string, unknown>) => createPolicy({ spec: policySpecSchema.parse({ name: unique("p"), target: { cohorts: [cohort] }, ...p }), actor: "system", userId: null });
const refund = (extra: Record<string, unknown> = {}) => ({ action: "orders.refund", resource: "order:1", input: { amount: 120, currency: "EUR" }, ...extra });

describe("agent hand-off", () => {
  it("always goes to the queue, to the cohort's default team when no policy routes it, with the agent's reason", async () => {
    const { agent, apiKey } = await newAgent({ cohort: unique("care") });
    const leads = await team(1, { cohorts: [agent.cohort] });
    const api = client(dp.base, apiKey);
    expect((await api.ask(refund())).json.status).toBe("allowed"); // no policy asks
    const res = await api.ask(refund({ handoff: { reason: "customer sounds upset, unsure about policy", confidence: 0.42 } }));
    expect(res.json).toMatchObject({ decision: "pending", stage: { index: 0, of: 1, team: leads.name } });
    expect(res.json.reasons).toEqual([{ code: "handoff", message: "The agent asked for a human: customer sounds upset, unsure about policy (confidence 0.42)" }]);
    const item = (await queue(leads.people[0]!, `mine=true&cohort=${agent.cohort}`)).json.approvals[0];
    expect(item).toMatchObject({ actionId: res.json.id, handoff: { reason: "customer sounds upset, unsure about policy", confidence: 0.42 }, context: { confidence: 0.42 } });
    expect((await vote(await userWithToken("approver"), res.json.id, { decision: "approve" })).json.error.code).toBe("not_in_stage");
    expect((await vote(leads.people[0]!, res.json.id, { decision: "approve" })).json.status).toBe("approved");
  });

  it("goes to any approver without a default team, follows the policies' stages when they have some, and a deny still denies", async () => {
    const cohort = unique("care");
    const { apiKey } = await newAgent({ cohort });
    const api = client(dp.base, apiKey);
    const anyone = await api.ask(refund({ handoff: { reason: "unsure" } }));
    expect(anyone.json).toMatchObject({ status: "pending", stage: { index: 0, of: 1, team: null } });
    expect((await row(anyone.json.id)).stage_index).toBeNull(); // a plain single-stage approval

    const finance = await team(1);
    await policy(cohort, { effect: "require_approval", condition: "input.amount > 1000.0", approval: { stages: [{ team: finance.name, quorum: 1, timeoutSeconds: 600, onTimeout: "reject" }] } });
    const staged = await api.ask(refund({ input: { amount: 2000 }, handoff: { reason: "big one" } }));
    expect(staged.json).toMatchObject({ status: "pending", stage: { team: finance.name } });
    expect(staged.json.reasons.map((r: { code: string }) => r.code)).toEqual(["policy", "handoff"]);

    await policy(cohort, { effect: "deny", condition: "has(context.confidence) && context.confidence < 0.2", message: "Too unsure to even ask" });
    const denied = await api.ask(refund({ handoff: { reason: "no idea", confidence: 0.1 } }));
    expect(denied.json).toMatchObject({ decision: "deny", status: "denied", reasons: [{ message: "Too unsure to even ask" }] });
  });

  it("shows context.confidence to CEL, from the hand-off or the context", async () => {
    const cohort = unique("stylist");
    const { apiKey } = await newAgent({ cohort });
    await policy(cohort, { effect: "require_approval", condition: "has(context.confidence) && context.confidence < 0.7", message: "Low confidence", approval: { quorum: 1, timeoutSeconds: 600 } });
    const api = client(dp.base, apiKey);
    expect((await api.ask({ action: "stylist.recommend", context: { confidence: 0.5 } })).json.status).toBe("pending");
    expect((await api.ask({ action: "stylist.recommend", context: { confidence: 0.9 } })).json.status).toBe("allowed");
    const handedOff = await api.ask({ action: "stylist.recommend", handoff: { reason: "odd sizes", confidence: 0.6 } });
    expect(handedOff.json.reasons.map((r: { message: string }) => r.message)).toEqual(["Low confidence", "The agent asked for a human: odd sizes (confidence 0.6)"]);
  });

  it("refuses a malformed hand-off", async () => {
    const { apiKey } = await newAgent();
    const api = client(dp.base, apiKey);
    for (const handoff of [{ reason: "" }, { reason: "x", confidence: 1.5 }, { confidence: 0.3 }, { reason: "x", extra: 1 }, "please"]) {
      const res = await api.ask({ action: "orders.refund", handoff });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe("validation_failed");
    }
  });

  it("is part of the idempotent request: the same key with another hand-off is a conflict", async () => {
    const { apiKey } = await newAgent();
    const api = client(dp.base, apiKey);
    const key = unique("key");
    expect((await api.ask({ ...refund({ handoff: { reason: "a" } }), idempotencyKey: key })).json.status).toBe("pending");
    expect((await api.ask({ ...refund({ handoff: { reason: "a" } }), idempotencyKey: key })).status).toBe(200);
    expect((await api.ask({ ...refund({ handoff: { reason: "b" } }), idempotencyKey: key })).json.error.code).toBe("idempotency_conflict");
  });
});

describe("segregation of duties under owner changes", () => {
  const patchOwner = async (agentId: string, owner: string) => {
    const res = await call(agentRoute.PATCH, { method: "PATCH", token: (await teamAdmin()).token, params: { id: agentId }, body: { owner } });
    expect(res.status).toBe(200);
  };

  it("binds to who owned the agent at the request: owning, handing it over, approving alone and taking it back is refused", async () => {
    const owner = await userWithToken("approver");
    const cohort = unique("sod");
    await policy(cohort, { effect: "require_approval", condition: "input.amount > 100.0", approval: { quorum: 1, timeoutSeconds: 600 } });
    const { agent, apiKey } = await newAgent({ cohort, owner: owner.user.email });
    const id = (await client(dp.base, apiKey).ask(refund())).json.id as string;

    await patchOwner(agent.id, "someone-else@maison.example");
    const [changed] = (await pool().query(`SELECT data FROM audit_events WHERE kind = 'agent.updated' AND subject = $1 ORDER BY seq DESC LIMIT 1`, [`agent:${agent.id}`])).rows;
    expect(changed.data).toMatchObject({ before: { owner: owner.user.email }, after: { owner: "someone-else@maison.example" }, pendingActions: 1 });

    const alone = await vote(owner, id, { decision: "approve" });
    expect(alone.status).toBe(403);
    expect(alone.json.error.code).toBe("owner_cannot_approve_alone");
    await patchOwner(agent.id, owner.user.email);
    expect((await vote(owner, id, { decision: "approve" })).status).toBe(403);
    expect((await row(id)).status).toBe("PENDING");
    // Someone who was never an owner decides.
    expect((await vote(await userWithToken("approver"), id, { decision: "approve" })).json.status).toBe("approved");
  });

  it("binds to owners since the request too, and to members of a team named as owner", async () => {
    const cohort = unique("sod");
    await policy(cohort, { effect: "require_approval", condition: "true", approval: { quorum: 1, timeoutSeconds: 600 } });
    const later = await userWithToken("approver");
    const { agent, apiKey } = await newAgent({ cohort, owner: "first-owner@maison.example" });
    const api = client(dp.base, apiKey);
    const id = (await api.ask(refund())).json.id as string;
    await patchOwner(agent.id, later.user.email);
    expect((await vote(later, id, { decision: "approve" })).json.error.code).toBe("owner_cannot_approve_alone");

    const ownersTeam = await team(2);
    await patchOwner(agent.id, ownersTeam.name);
    const id2 = (await api.ask(refund())).json.id as string;
    expect((await vote(ownersTeam.people[0]!, id2, { decision: "approve" })).json.error.code).toBe("owner_cannot_approve_alone");
    // A rejection is always allowed.
    expect((await vote(ownersTeam.people[1]!, id2, { decision: "reject" })).json.status).toBe("rejected");
  });

  it("applies per stage: an owner can't be a stage's only approver, but counts beside a non-owner", async () => {
    const cohort = unique("sod");
    const t = await team(3);
    const [owner, other] = t.people as [typeof t.people[0], typeof t.people[0]];
    await approvalPolicy(cohort, { stages: [{ team: t.name, quorum: 1, timeoutSeconds: 600, onTimeout: "reject" }] });
    const { apiKey } = await newAgent({ cohort, owner: owner.user.email });
    const id = (await client(dp.base, apiKey).ask(markdown())).json.id as string;
    expect((await vote(owner, id, { decision: "approve" })).json.error.code).toBe("owner_cannot_approve_alone");
    const cohort2 = unique("sod");
    await approvalPolicy(cohort2, { stages: [{ team: t.name, quorum: 2, timeoutSeconds: 600, onTimeout: "reject" }] });
    const { apiKey: k2 } = await newAgent({ cohort: cohort2, owner: owner.user.email });
    const id2 = (await client(dp.base, k2).ask(markdown())).json.id as string;
    expect((await vote(other, id2, { decision: "approve" })).json.status).toBe("pending");
    expect((await vote(owner, id2, { decision: "approve" })).json.status).toBe("approved");
    expect((await auditOf(id2, "approval.granted")).map((e) => e.data.byOwner)).toEqual([false, true]);
  });
});
