import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as actionRoute from "../../app/api/actions/[id]/route.ts";
import * as policiesRoute from "../../app/api/policies/route.ts";
import * as testRoute from "../../app/api/policies/test/route.ts";
import { pool } from "../../lib/db/index.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { asSuperuser } from "../support/db.ts";
import { call, unique } from "../support/fixtures.ts";
import { createSet, knowledgeTeam, publish, type Team } from "../support/knowledge.ts";

let team: Team;
let dp: Awaited<ReturnType<typeof startDataPlane>>;
beforeAll(async () => {
  team = await knowledgeTeam();
  dp = await startDataPlane();
});
afterAll(() => dp.close());

async function policy(body: Record<string, unknown>) {
  const res = await call(policiesRoute.POST, { token: team.admin.token, body: { name: unique("p"), ...body } });
  if (res.status !== 201) throw new Error(`policy: ${res.status} ${res.text}`);
  return res.json.policy as { id: string; name: string };
}

const action = async (id: string) => (await call(actionRoute.GET, { token: team.editor.token, params: { id } })).json.action;

/** Forgets every cached set version (as a fresh instance would have), so the next use reloads. */
const dropKnowledgeCache = () => delete (globalThis as Record<symbol, unknown>)[Symbol.for("warden.knowledgeCache")];

describe("policies read knowledge (CEL data)", () => {
  it("denies a price below the published floor and records the set version on the decision; the next version is used once published", async () => {
    const cohort = unique("pricing");
    const set = await createSet(team, { readers: { cohorts: [cohort] } });
    await publish(team, set, { upsert: [{ key: "LUX-001", value: { floor: 100 }, source: "erp" }] });
    const p = await policy({
      effect: "deny",
      target: { cohorts: [cohort], actions: ["pricing.set_price"] },
      condition: `input.sku in data["${set}"] && input.price < data["${set}"][input.sku].floor`,
      message: "Below the approved floor",
    });
    const agent = await newAgent({ cohort });
    const api = client(dp.base, agent.apiKey);
    const denied = await api.ask({ action: "pricing.set_price", input: { sku: "LUX-001", price: 90 } });
    expect(denied.json).toMatchObject({ decision: "deny", reasons: [{ code: "policy", policyName: p.name, message: "Below the approved floor" }] });
    expect((await action(denied.json.id)).knowledge).toEqual([{ set, version: 1 }]);
    const { rows } = await pool().query(`SELECT data FROM audit_events WHERE subject = $1 AND kind = 'action.decided'`, [`action:${denied.json.id}`]);
    expect(rows[0].data.knowledge).toEqual([{ set, version: 1 }]);
    // Not in the set: the condition's first clause is false.
    expect((await api.ask({ action: "pricing.set_price", input: { sku: "LUX-404", price: 1 } })).json.decision).toBe("allow");

    await publish(team, set, { upsert: [{ key: "LUX-001", value: { floor: 80 }, source: "erp" }] });
    const allowed = await api.ask({ action: "pricing.set_price", input: { sku: "LUX-001", price: 90 } });
    expect(allowed.json.decision).toBe("allow");
    expect((await action(allowed.json.id)).knowledge).toEqual([{ set, version: 2 }]);
    // A decision no knowledge policy targets records none.
    const other = await api.ask({ action: "pricing.other", input: {} });
    expect((await action(other.json.id)).knowledge).toEqual([]);
  });

  it("fails closed on a stale or expired record, with a reason naming it; other records still decide", async () => {
    const cohort = unique("pricing");
    const set = await createSet(team, { readers: { cohorts: [cohort] }, maxAgeDays: 30 });
    await publish(team, set, {
      upsert: [
        { key: "FRESH", value: { floor: 10 }, source: "erp" },
        { key: "OLD", value: { floor: 10 }, source: "erp" },
        { key: "GONE", value: { floor: 10 }, source: "erp", expiresAt: "2020-01-01T00:00:00Z" },
      ],
    });
    await asSuperuser((c) => c.query(`UPDATE knowledge_records SET published_at = now() - interval '45 days' WHERE key = 'OLD' AND set_id = (SELECT id FROM knowledge_sets WHERE name = $1)`, [set]));
    dropKnowledgeCache();
    await policy({ effect: "deny", target: { cohorts: [cohort] }, condition: `input.price < data["${set}"][input.sku].floor`, message: "Below floor" });
    const allowAll = await policy({ effect: "allow", target: { cohorts: [cohort] }, condition: `input.sku in data["${set}"]`, message: "Known SKU" });
    const api = client(dp.base, (await newAgent({ cohort })).apiKey);
    expect((await api.ask({ action: "pricing.set_price", input: { sku: "FRESH", price: 50 } })).json.decision).toBe("allow");
    const old = await api.ask({ action: "pricing.set_price", input: { sku: "OLD", price: 50 } });
    expect(old.json.decision).toBe("deny");
    expect(old.json.reasons[0].message).toMatch(new RegExp(`knowledge record ${set}/OLD \\(v1\\) is stale: last updated .*, older than the set's 30 days.*fail closed`));
    const gone = await api.ask({ action: "pricing.set_price", input: { sku: "GONE", price: 50 } });
    expect(gone.json.decision).toBe("deny");
    expect(gone.json.reasons[0].message).toMatch(new RegExp(`knowledge record ${set}/GONE \\(v1\\) is expired at 2020-01-01T00:00:00Z`));
    // The allow policy reading the stale record errs too, and an erring allow doesn't allow.
    const entry = await action(old.json.id);
    expect(entry.policyVersions.find((v: { policyId: string }) => v.policyId === allowAll.id)).toMatchObject({ matched: false, error: expect.stringMatching(/OLD.*stale/) });
  });

  it("fails closed while a set a policy reads has no published version", async () => {
    const cohort = unique("c");
    const set = await createSet(team, { readers: { cohorts: [cohort] } });
    await policy({ effect: "require_approval", target: { cohorts: [cohort] }, condition: `input.brand in data["${set}"]`, message: "Competitor" });
    const res = await client(dp.base, (await newAgent({ cohort })).apiKey).ask({ action: "x.y", input: { brand: "Zara" } });
    expect(res.json.decision).toBe("pending");
    expect(res.json.reasons[0].message).toMatch(new RegExp(`knowledge set ${set} has no published version`));
  });

  it("refuses a policy that reads an unknown set or names sets by computed names", async () => {
    const unknown = await call(policiesRoute.POST, { token: team.admin.token, body: { name: unique("p"), effect: "deny", condition: `input.sku in data["${unique("nope")}"]` } });
    expect(unknown.status).toBe(400);
    expect(unknown.json.error.code).toBe("invalid_condition");
    const computed = await call(policiesRoute.POST, { token: team.admin.token, body: { name: unique("p"), effect: "deny", condition: `input.sku in data[input.set]` } });
    expect(computed.json.error).toMatchObject({ code: "invalid_condition" });
    expect(computed.json.error.message).toMatch(/literal set name/);
  });

  it("backtests a draft with the knowledge versions that were current at each recorded action", async () => {
    const cohort = unique("pricing");
    const set = await createSet(team, { readers: { cohorts: [cohort] } });
    await publish(team, set, { upsert: [{ key: "S", value: { floor: 100 }, source: "erp" }] });
    // A shadow policy reads the set, so these decisions record version 1.
    await policy({ effect: "deny", mode: "shadow", target: { cohorts: [cohort] }, condition: `input.price < data["${set}"][input.sku].floor` });
    const api = client(dp.base, (await newAgent({ cohort })).apiKey);
    const recorded = await api.ask({ action: "pricing.set_price", input: { sku: "S", price: 90 } });
    expect((await action(recorded.json.id)).knowledge).toEqual([{ set, version: 1 }]);
    await publish(team, set, { upsert: [{ key: "S", value: { floor: 50 }, source: "erp" }] });
    const later = await api.ask({ action: "pricing.set_price", input: { sku: "S", price: 90 } });
    expect((await action(later.json.id)).knowledge).toEqual([{ set, version: 2 }]);
    const draft = { name: unique("floor-draft"), effect: "deny", target: { cohorts: [cohort] }, condition: `input.price < data["${set}"][input.sku].floor` };
    const tested = await call(testRoute.POST, { token: team.admin.token, body: { policy: draft, backtest: { last: 2 }, sample: { action: "pricing.set_price", input: { sku: "S", price: 90 }, agent: { cohort } } } });
    expect(tested.status).toBe(200);
    // Replayed with v1 (floor 100) the first action is denied; with v2 (floor 50) the second is not.
    expect(tested.json.backtest).toMatchObject({ evaluated: 2, changed: 1, byChange: { "allow→deny": 1 } });
    expect(tested.json.backtest.examples[0].actionId).toBe(recorded.json.id);
    // The sample is evaluated against the current version.
    expect(tested.json.sample).toMatchObject({ matched: false, decision: "allow", knowledge: [{ set, version: 2 }] });
  });
});

describe("grounding post-checks", () => {
  it("flags a quoted return window that differs from the published policy", async () => {
    const cohort = unique("cs");
    const set = await createSet(team, {
      readers: { cohorts: [cohort] },
      schema: { type: "object", properties: { days: { type: "integer", minimum: 0 } }, required: ["days"] },
    });
    await publish(team, set, { upsert: [{ key: "FR", value: { days: 30 }, source: "https://maison.example/legal/returns-fr" }, { key: "US", value: { days: 60 }, source: "legal" }] });
    const p = await policy({
      stage: "post",
      effect: "flag",
      target: { cohorts: [cohort] },
      condition: `has(result.output.quotedReturnDays) && result.output.quotedReturnDays != data["${set}"][input.country].days`,
      message: "quoted a return window that isn't ours",
    });
    const api = client(dp.base, (await newAgent({ cohort })).apiKey);
    const wrong = await api.ask({ action: "support.reply", input: { country: "FR" } });
    const flagged = await api.result(wrong.json.id, { status: "succeeded", output: { quotedReturnDays: 60 } });
    expect(flagged.json.flags).toMatchObject([{ policyName: p.name, message: "quoted a return window that isn't ours" }]);
    expect((await action(wrong.json.id)).flags[0]).toMatchObject({ policyName: p.name, knowledge: [{ set, version: 1 }] });
    const right = await api.ask({ action: "support.reply", input: { country: "US" } });
    expect((await api.result(right.json.id, { status: "succeeded", output: { quotedReturnDays: 60 } })).json.flags).toEqual([]);
  });

  it("catches a competitor named with full-width, decomposed, zero-width or differently cased characters, and not inside other words", async () => {
    const cohort = unique("stylist");
    const set = await createSet(team, { readers: { cohorts: [cohort] }, schema: { type: "object" } });
    await publish(team, set, { upsert: ["Zara", "H&M", "Hermès", "Massimo Dutti"].map((key) => ({ key, value: {}, source: "brand team" })) });
    await policy({ stage: "post", effect: "flag", target: { cohorts: [cohort] }, condition: `has(result.output.message) && containsAny(result.output.message, data["${set}"])`, message: "recommends a competitor" });
    const api = client(dp.base, (await newAgent({ cohort })).apiKey);
    const said = async (message: string) => {
      const a = await api.ask({ action: "stylist.recommend", input: {} });
      return (await api.result(a.json.id, { status: "succeeded", output: { message } })).json.flags.length > 0;
    };
    expect(await said("Pair it with the Ｚａｒａ blazer")).toBe(true); // full-width
    expect(await said("Try the Z\u200Bara coat")).toBe(true); // a zero-width space inside
    expect(await said("A bag from Herme\u0300s")).toBe(true); // e + combining grave
    expect(await said("h & m has it cheaper")).toBe(true);
    expect(await said("MASSIMO   DUTTI shoes")).toBe(true);
    expect(await said("A trip to the bazaar")).toBe(false);
    expect(await said("Our own silk scarf")).toBe(false);
  });
});

describe("context.knowledge declared by the agent", () => {
  it("flags an action citing a version never published or already superseded, and refuses malformed citations", async () => {
    const cohort = unique("pricing");
    const set = await createSet(team, { readers: { cohorts: [cohort] } });
    await publish(team, set, { upsert: [{ key: "A", value: { floor: 1 }, source: "s" }] });
    await publish(team, set, { upsert: [{ key: "A", value: { floor: 2 }, source: "s" }] });
    const api = client(dp.base, (await newAgent({ cohort })).apiKey);
    const ask = (knowledge: unknown) => api.ask({ action: "pricing.set_price", input: { sku: "A", price: 5 }, context: { knowledge } });
    const current = await ask([{ set, version: 2 }]);
    expect((await action(current.json.id)).flags).toEqual([]);
    const superseded = await ask([{ set, version: 1 }]);
    expect((await action(superseded.json.id)).flags).toMatchObject([{ kind: "knowledge_citation", set, version: 1, message: expect.stringMatching(/superseded by v2/) }]);
    const future = await ask([{ set, version: 7 }]);
    expect((await action(future.json.id)).flags[0].message).toMatch(/never published/);
    const unknown = await ask([{ set: "no-such-set", version: 1 }]);
    expect((await action(unknown.json.id)).flags[0].message).toMatch(/no such knowledge set/);
    expect((await ask([{ set, version: 0 }])).status).toBe(400);
    expect((await ask("price-floors v2")).status).toBe(400);
    // A policy can require the citation.
    await policy({ effect: "deny", target: { cohorts: [cohort] }, condition: `!has(context.knowledge) || !context.knowledge.exists(k, k.set == "${set}")`, message: "Cite the floors you used" });
    expect((await api.ask({ action: "pricing.set_price", input: { sku: "A", price: 5 } })).json.decision).toBe("deny");
    expect((await ask([{ set, version: 2 }])).json.decision).toBe("allow");
  });
});
