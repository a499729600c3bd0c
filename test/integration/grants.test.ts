import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as agentRoute from "../../app/api/agents/[id]/route.ts";
import * as approveRoute from "../../app/api/approvals/[actionId]/route.ts";
import * as changeRoute from "../../app/api/capability-changes/[id]/route.ts";
import * as changesRoute from "../../app/api/capability-changes/route.ts";
import { listAuditEvents } from "../../lib/audit/index.ts";
import { pool } from "../../lib/db/index.ts";
import { closeBus } from "../../lib/events/index.ts";
import { createPolicy, policySpecSchema } from "../../lib/policies/index.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { call, unique, userWithToken } from "../support/fixtures.ts";

let dp: Awaited<ReturnType<typeof startDataPlane>>;
let admin: Awaited<ReturnType<typeof userWithToken>>;
beforeAll(async () => {
  dp = await startDataPlane();
  admin = await userWithToken("admin");
});
afterAll(() => dp.close());

const patch = (token: string, id: string, body: unknown) => call(agentRoute.PATCH, { method: "PATCH", token, params: { id }, body });
const stored = async (id: string) => (await pool().query<{ capabilities: unknown }>(`SELECT capabilities FROM agents WHERE id = $1`, [id])).rows[0]!.capabilities;

describe("capability grants", () => {
  it("leaves an agent without grants unrestricted, and shows it so", async () => {
    const a = await newAgent();
    const api = client(dp.base, a.apiKey);
    expect(a.agent.capabilities).toBeNull();
    expect((await api.ask({ action: "anything.at_all", resource: "x:1" })).json.decision).toBe("allow");
    expect((await api.raw("GET", "/v1/agent")).json.capabilities).toBeNull();
  });

  it("allows what the grants name, on the resources they name, and denies the rest with not_granted before any policy runs", async () => {
    const cohort = unique("pricing");
    const a = await newAgent({ cohort });
    // A policy that would deny everything in the cohort: an out-of-grant action must not even reach it.
    await createPolicy({ spec: policySpecSchema.parse({ name: unique("deny-big"), effect: "deny", target: { cohorts: [cohort] }, condition: "has(input.price) && input.price > 1000.0" }), actor: "system", userId: null });
    const res = await patch(admin.token, a.agent.id, { capabilities: [{ action: "pricing.set_price", resources: ["sku:LUX-*"] }, { action: "pricing.read_*" }] });
    expect(res.status).toBe(200);
    expect(res.json.agent.capabilities).toEqual([{ action: "pricing.set_price", resources: ["sku:LUX-*"] }, { action: "pricing.read_*" }]);
    const api = client(dp.base, a.apiKey);
    expect((await api.ask({ action: "pricing.set_price", resource: "sku:LUX-001", input: { price: 120 } })).json.decision).toBe("allow");
    expect((await api.ask({ action: "pricing.read_catalogue", resource: "catalogue:eu" })).json.decision).toBe("allow");
    expect((await api.ask({ action: "pricing.read_catalogue" })).json.decision).toBe("allow"); // no resources named: any, even none

    const outside = await api.ask({ action: "pricing.set_price", resource: "sku:CORE-001", input: { price: 5000 } });
    expect(outside.json).toMatchObject({ decision: "deny", reasons: [{ code: "not_granted" }] });
    expect(outside.json.reasons).toHaveLength(1); // the price policy never ran
    expect(outside.json.reasons[0].message).toContain("sku:CORE-001");
    const { rows } = await pool().query(`SELECT policy_versions FROM actions WHERE id = $1`, [outside.json.id]);
    expect(rows[0].policy_versions).toEqual([]);
    expect((await api.ask({ action: "pricing.set_price" })).json.reasons[0].code).toBe("not_granted"); // no resource: the glob can't match
    expect((await api.ask({ action: "orders.refund", resource: "order:1" })).json.reasons[0].code).toBe("not_granted");
  });

  it("grants nothing with an empty list", async () => {
    const a = await newAgent();
    expect((await patch(admin.token, a.agent.id, { capabilities: [] })).status).toBe(200);
    expect((await client(dp.base, a.apiKey).ask({ action: "x.y" })).json.reasons[0].code).toBe("not_granted");
    expect((await patch(admin.token, a.agent.id, { capabilities: null })).json.agent.capabilities).toBeNull();
    expect((await client(dp.base, a.apiKey).ask({ action: "x.y" })).json.decision).toBe("allow");
  });

  it("refuses invalid globs with a 400 naming the field, and changes nothing", async () => {
    const a = await newAgent();
    await patch(admin.token, a.agent.id, { capabilities: [{ action: "x.*" }] });
    for (const capabilities of [
      [{ action: "Pricing.Set" }],
      [{ action: "" }],
      [{ action: "pricing set" }],
      [{ action: "x.y", resources: [] }],
      [{ action: "x.y", resources: [""] }],
      [{ action: "x.y", resources: ["sku:\u0001"] }],
      [{ action: "x.y", resources: [" sku:*"] }],
      [{ action: "x.y", extra: true }],
      "everything",
    ]) {
      const res = await patch(admin.token, a.agent.id, { capabilities });
      expect(res.status, JSON.stringify(capabilities)).toBe(400);
      expect(res.json.error.code).toBe("validation_failed");
      expect(res.json.error.message).toMatch(/^capabilities/);
    }
    expect(await stored(a.agent.id)).toEqual([{ action: "x.*" }]);
  });

  it("lets only admins grant, and audits every change with before and after", async () => {
    const a = await newAgent();
    const operator = await userWithToken("operator");
    const refused = await patch(operator.token, a.agent.id, { capabilities: [{ action: "x.y" }] });
    expect(refused.status).toBe(403);
    expect(await stored(a.agent.id)).toBeNull();
    // Operators still edit the rest of an agent.
    expect((await patch(operator.token, a.agent.id, { description: "reorders stock" })).status).toBe(200);

    await patch(admin.token, a.agent.id, { capabilities: [{ action: "orders.*" }] });
    await patch(admin.token, a.agent.id, { capabilities: [{ action: "orders.refund", resources: ["order:*"] }] });
    const events = (await listAuditEvents({ agent: a.agent.id, kind: "agent.capabilities_changed", limit: 10 })).events;
    expect(events.map((e) => e.data)).toEqual([
      expect.objectContaining({ before: [{ action: "orders.*" }], after: [{ action: "orders.refund", resources: ["order:*"] }], widens: false }),
      expect.objectContaining({ before: null, after: [{ action: "orders.*" }] }),
    ]);
    expect(events[0]!.actor).toBe(`user:${admin.user.id}`);
  });

  it("doesn't let an agent's owner widen its grants alone: the change waits until someone else confirms it", async () => {
    const owner = await userWithToken("admin");
    const a = await newAgent({ owner: owner.principal.email });
    const api = client(dp.base, a.apiKey);
    await patch(admin.token, a.agent.id, { capabilities: [{ action: "orders.refund", resources: ["order:*"] }] });

    // Narrowing their own agent is fine alone.
    expect((await patch(owner.token, a.agent.id, { capabilities: [{ action: "orders.refund", resources: ["order:EU-*"] }] })).status).toBe(200);
    // Widening is a request.
    const asked = await patch(owner.token, a.agent.id, { capabilities: [{ action: "orders.refund", resources: ["order:EU-*"] }, { action: "orders.cancel" }] });
    expect(asked.status).toBe(202);
    expect(asked.json.capabilityChange).toMatchObject({ status: "pending", requestedBy: owner.principal.email, added: [{ action: "orders.cancel" }] });
    expect(asked.json.agent.capabilities).toEqual([{ action: "orders.refund", resources: ["order:EU-*"] }]);
    expect((await api.ask({ action: "orders.cancel" })).json.reasons[0].code).toBe("not_granted");
    const changeId = asked.json.capabilityChange.id as string;
    const listed = await call(changesRoute.GET, { token: admin.token, path: "/api/capability-changes" });
    expect(listed.json.changes.map((c: { id: string }) => c.id)).toContain(changeId);

    const decide = (token: string, body: unknown) => call(changeRoute.POST, { token, params: { id: changeId }, body });
    expect((await decide(owner.token, { decision: "confirm" })).json.error.code).toBe("second_person_required");
    const operator = await userWithToken("operator");
    const confirmed = await decide(operator.token, { decision: "confirm", comment: "cancellations agreed with client care" });
    expect(confirmed.status).toBe(200);
    expect(confirmed.json.change).toMatchObject({ status: "confirmed", decidedBy: operator.principal.email });
    expect((await api.ask({ action: "orders.cancel" })).json.decision).toBe("allow");
    expect((await decide(admin.token, { decision: "reject" })).json.error.code).toBe("capability_change_decided");

    const kinds = (await listAuditEvents({ agent: a.agent.id, kind: "agent.capabilities_*", limit: 10 })).events.map((e) => [e.kind, e.actor]);
    expect(kinds[0]).toEqual(["agent.capabilities_changed", `user:${operator.user.id}`]);
    expect(kinds[1]).toEqual(["agent.capabilities_requested", `user:${owner.user.id}`]);
    const changed = (await listAuditEvents({ agent: a.agent.id, kind: "agent.capabilities_changed", limit: 1 })).events[0]!;
    expect(changed.data).toMatchObject({ requestedBy: owner.principal.email, confirmedBy: operator.principal.email, widens: true });
  });

  it("an owner who hands the agent to someone else and back still can't widen its grants alone, nor confirm their own widening", async () => {
    const owner = await userWithToken("admin");
    const a = await newAgent({ owner: owner.principal.email });
    await patch(admin.token, a.agent.id, { capabilities: [{ action: "orders.refund" }] });
    expect((await patch(owner.token, a.agent.id, { owner: "someone-else@example.com" })).status).toBe(200);
    const widened = await patch(owner.token, a.agent.id, { capabilities: [{ action: "*" }] });
    expect(widened.status).toBe(202);
    expect(await stored(a.agent.id)).toEqual([{ action: "orders.refund" }]);
    // Another past owner can't be the second person either.
    const before = await userWithToken("admin");
    const b = await newAgent({ owner: before.principal.email });
    await patch(admin.token, b.agent.id, { capabilities: [{ action: "orders.refund" }] });
    await patch(admin.token, b.agent.id, { owner: owner.principal.email });
    const asked = await patch(owner.token, b.agent.id, { capabilities: [{ action: "orders.*" }] });
    expect(asked.status).toBe(202);
    const res = await call(changeRoute.POST, { token: before.token, params: { id: asked.json.capabilityChange.id }, body: { decision: "confirm" } });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe("owner_cannot_approve_alone");
    expect(await stored(b.agent.id)).toEqual([{ action: "orders.refund" }]);
  });

  it("narrowing the grants rejects the agent's pending actions they no longer cover, so nobody approves them afterwards", async () => {
    const cohort = unique("narrow");
    const a = await newAgent({ cohort });
    await createPolicy({ spec: policySpecSchema.parse({ name: unique("ask"), effect: "require_approval", target: { cohorts: [cohort] }, condition: "true", approval: { quorum: 1, timeoutSeconds: 600 } }), actor: "system", userId: null });
    await patch(admin.token, a.agent.id, { capabilities: [{ action: "pricing.set_price" }, { action: "orders.refund" }] });
    const api = client(dp.base, a.apiKey);
    const price = (await api.ask({ action: "pricing.set_price", resource: "sku:1", input: { price: 10 } })).json;
    const refund = (await api.ask({ action: "orders.refund", resource: "order:1", input: { amount: 10 } })).json;
    expect([price.status, refund.status]).toEqual(["pending", "pending"]);
    await pool().query(`INSERT INTO webhooks (id, url, events, secret, updated_at) VALUES ($1, 'https://hooks.example.com/grants', ARRAY['approval.decided'], 'whsec_test', now())`, [unique("wh")]);
    expect((await patch(admin.token, a.agent.id, { capabilities: [{ action: "orders.refund" }] })).status).toBe(200);
    const after = (await api.get(price.id)).json;
    expect(after).toMatchObject({ decision: "deny", status: "rejected" });
    expect(after.reasons.at(-1)).toMatchObject({ code: "not_granted" });
    expect((await api.get(refund.id)).json.status).toBe("pending"); // still granted
    const approver = await userWithToken("approver");
    const vote = await call(approveRoute.POST, { token: approver.token, params: { actionId: price.id }, body: { decision: "approve" } });
    expect(vote.status).toBe(409);
    const { rows } = await pool().query(`SELECT payload FROM webhook_deliveries WHERE event = 'approval.decided' AND payload->'data'->>'actionId' = $1`, [price.id]);
    expect(rows.map((r) => r.payload.data.cause)).toEqual(["grants"]);
  });

  it("refuses to confirm a request made against grants that have changed since", async () => {
    const owner = await userWithToken("admin");
    const a = await newAgent({ owner: owner.principal.email });
    await patch(admin.token, a.agent.id, { capabilities: [{ action: "a.b" }] });
    const asked = await patch(owner.token, a.agent.id, { capabilities: [{ action: "a.*" }] });
    await patch(admin.token, a.agent.id, { capabilities: [{ action: "c.d" }] });
    const res = await call(changeRoute.POST, { token: admin.token, params: { id: asked.json.capabilityChange.id }, body: { decision: "confirm" } });
    expect(res.status).toBe(409);
    expect(await stored(a.agent.id)).toEqual([{ action: "c.d" }]);
    // The request lapsed when the grants changed, and the log says so.
    const lapsed = (await listAuditEvents({ agent: a.agent.id, kind: "agent.capabilities_superseded", limit: 5 })).events;
    expect(lapsed.map((e) => e.data)).toMatchObject([{ changeId: asked.json.capabilityChange.id, why: "the agent's grants changed" }]);
  });
});

describe("grants held exactly", () => {
  it("holds an instance whose cached identity still has the old grants to the narrowed ones: the decision transaction re-reads them", async () => {
    const a = await newAgent();
    await patch(admin.token, a.agent.id, { capabilities: [{ action: "orders.*" }] });
    const api = client(dp.base, a.apiKey);
    expect((await api.ask({ action: "orders.cancel" })).json.decision).toBe("allow"); // identity (with orders.*) cached
    // From here this instance hears no NOTIFY, so its cache keeps the wide grants — like an
    // instance the signal hasn't reached yet.
    await closeBus();
    await patch(admin.token, a.agent.id, { capabilities: [{ action: "orders.refund" }] });
    const res = await api.ask({ action: "orders.cancel" });
    expect(res.json).toMatchObject({ decision: "deny", reasons: [{ code: "not_granted" }] });
    expect(res.json.reasons[0].message).toContain("orders.cancel");
  });
});
