import { beforeAll, describe, expect, it } from "vitest";
import { decideApproval } from "../../lib/approvals/index.ts";
import { pool } from "../../lib/db/index.ts";
import { halt } from "../../lib/killswitch/index.ts";
import { createPolicy, policySpecSchema } from "../../lib/policies/index.ts";
import { evaluateRollouts, GUARD_METRICS, type GuardMetric } from "../../lib/releases/index.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { unique, userWithToken } from "../support/fixtures.ts";
import { evaluateUntil, releasesApi, rolloutAuditKinds, subscribeRolloutWebhooks, webhookData } from "../support/releases.ts";

let dp: Awaited<ReturnType<typeof startDataPlane>>;
let op: Awaited<ReturnType<typeof userWithToken>>;
let approver: Awaited<ReturnType<typeof userWithToken>>;

beforeAll(async () => {
  dp = await startDataPlane();
  op = await userWithToken("operator");
  approver = await userWithToken("approver");
  await subscribeRolloutWebhooks();
  // Every rollout whose first step must meet traffic is started here, then one real bucket
  // boundary passes for all of them (instead of one ~10 s wait per test): a step counts whole
  // signal buckets after it started, so traffic sent by the tests below, after this boundary,
  // counts in each of these steps exactly as it would after a wait of their own.
  for (const [name, over] of Object.entries(startedBeforeTheBoundary)) started.set(name, await startRollout(over));
  await nextBucket();
  return () => dp.close();
}, 60_000);

/** An agent with a baseline (current) and a candidate version, both registered. */
async function agentWithVersions() {
  const a = await newAgent();
  const tag = unique("r").replace(/-/g, "");
  const base = `${tag}-base`;
  const cand = `${tag}-cand`;
  const api = releasesApi(op.token);
  await api.register(a.agent.id, { version: base, config: { model: "m-1" } });
  await api.register(a.agent.id, { version: cand, config: { model: "m-2" } });
  return { ...a, tag, base, cand, api, dp: client(dp.base, a.apiKey) };
}

/** `n` decisions of one version, 10 at a time; returns the answers. */
async function traffic(api: ReturnType<typeof client>, version: string, n: number, body: Record<string, unknown> = {}) {
  const out: { id: string; decision: string; status: string }[] = [];
  for (let i = 0; i < n; i += 10) {
    const batch = await Promise.all(Array.from({ length: Math.min(10, n - i) }, () => api.ask({ action: "shop.recommend", ...body, version })));
    for (const r of batch) {
      if (r.status !== 200) throw new Error(`ask answered ${r.status}: ${JSON.stringify(r.json)}`);
      out.push(r.json);
    }
  }
  return out;
}

/** Waits for the next 10-second signal bucket, so a new step's traffic is counted in it (steps count whole buckets). */
async function nextBucket() {
  await new Promise((r) => setTimeout(r, 10_050 - (Date.now() % 10_000)));
}

const canary = (cand: string, base: string, over: Record<string, unknown> = {}) => ({
  candidate: cand,
  baseline: base,
  steps: [10, 50, 100],
  minSamplesPerStep: 1_000_000,
  stepMinSeconds: 3600,
  mode: "canary",
  guards: [{ metric: "deny_rate", maxAbsoluteIncrease: 0.05 }],
  ...over,
});

type Started = Awaited<ReturnType<typeof agentWithVersions>> & { id: string; status: number };

/** A fresh agent with its two versions, and the answer to starting the rollout `body(agent)`. */
async function startRollout(body: (a: Awaited<ReturnType<typeof agentWithVersions>>) => unknown): Promise<Started> {
  const a = await agentWithVersions();
  const r = await a.api.start(a.agent.id, body(a));
  return { ...a, id: r.json.rollout?.id as string, status: r.status };
}

/** The rollouts beforeAll starts before the shared bucket boundary, by test. */
const startedBeforeTheBoundary: Record<string, (a: Awaited<ReturnType<typeof agentWithVersions>>) => unknown> = {
  promotes: (a) => canary(a.cand, a.base, { minSamplesPerStep: 30, stepMinSeconds: 0, steps: [10, 50, 100] }),
  concurrent: (a) => canary(a.cand, a.base, { minSamplesPerStep: 30, stepMinSeconds: 0 }),
  ...Object.fromEntries(GUARD_METRICS.map((metric) => [`regresses:${metric}`, (a: Awaited<ReturnType<typeof agentWithVersions>>) => canary(a.cand, a.base, { guards: [{ metric, maxAbsoluteIncrease: 0.05 }] })])),
  harmless: (a) => canary(a.cand, a.base, { guards: GUARD_METRICS.map((metric) => ({ metric, maxAbsoluteIncrease: 0.05 })) }),
  experiment: (a) => ({ candidate: a.cand, baseline: a.base, mode: "experiment", steps: [50], minSamplesPerStep: 1, stepMinSeconds: 0, guards: [] }),
};
const started = new Map<string, Started>();

/** The rollout beforeAll started for `name`, checked to have started. */
function startedFor(name: string): Started {
  const s = started.get(name);
  if (!s || s.status !== 201) throw new Error(`rollout "${name}" did not start: ${s?.status}`);
  return s;
}

describe("starting a rollout", () => {
  it("refuses bad input with 400/409 and changes nothing", async () => {
    const a = await agentWithVersions();
    const bad = async (body: unknown, status: number, code?: string) => {
      const r = await a.api.start(a.agent.id, body);
      expect(r.status, JSON.stringify(r.json)).toBe(status);
      if (code) expect(r.json.error.code).toBe(code);
    };
    await bad(canary("nope", a.base), 400, "unknown_version");
    await bad(canary(a.cand, "nope"), 400, "unknown_version");
    await bad(canary(a.cand, a.base, { steps: [25, 5] }), 400, "validation_failed");
    await bad(canary(a.cand, a.base, { steps: [5, 150] }), 400, "validation_failed");
    await bad(canary(a.cand, a.base, { guards: [{ metric: "latency_p99", maxRelativeIncrease: 0.1 }] }), 400, "validation_failed");
    await bad(canary(a.cand, a.base, { guards: [{ metric: "deny_rate", maxRelativeIncrease: 0.1, maxAbsoluteIncrease: 0.01 }] }), 400, "validation_failed");
    await bad(canary(a.cand, a.cand), 400, "validation_failed");
    await bad(canary(a.cand, a.base, { mode: "bluegreen" }), 400, "validation_failed");
    await bad({ ...canary(a.cand, a.base), extra: 1 }, 400, "validation_failed");
    expect((await releasesApi((await userWithToken("viewer")).token).start(a.agent.id, canary(a.cand, a.base))).status).toBe(403);
    expect((await a.api.rollouts(a.agent.id)).json.rollouts).toEqual([]);
    // The baseline defaults to the current version; a second active rollout is 409.
    const ok = await a.api.start(a.agent.id, { candidate: a.cand, guards: [{ metric: "deny_rate", maxRelativeIncrease: 0.25 }] });
    expect(ok.status).toBe(201);
    expect(ok.json.rollout).toMatchObject({ candidate: a.cand, baseline: a.base, status: "running", step: 1, share: 5, alpha: 0.05, mode: "canary", endedReason: null });
    expect(ok.json.rollout.guards[0]).toMatchObject({ metric: "deny_rate", verdict: "insufficient", candidate: { rate: 0, n: 0 }, baseline: { rate: 0, n: 0 }, interval: null });
    await bad(canary(a.cand, a.base), 409, "rollout_active");
    expect(await rolloutAuditKinds(ok.json.rollout.id)).toEqual(["rollout.started"]);
  });
});

describe("step advancement", () => {
  it("promotes a step that held for its samples and time, and the last step makes the candidate current", async () => {
    const a = startedFor("promotes");
    const id = a.id;
    // Not enough candidate decisions yet: it holds.
    await traffic(a.dp, a.cand, 10);
    await traffic(a.dp, a.base, 40);
    const held = await evaluateRollouts({ everyMs: 0 });
    expect(held.find((o) => o.rolloutId === id)).toMatchObject({ action: "hold", step: 1 });
    await traffic(a.dp, a.cand, 25);
    expect(await evaluateUntil(id, (_s, step) => step === 2)).toEqual({ status: "running", step: 2 });
    const step = await webhookData("rollout.step", id);
    expect(step).toHaveLength(1);
    expect(step[0]).toMatchObject({ step: 2, share: 50, previousShare: 10, cause: "automatic", candidate: a.cand, baseline: a.base });
    // Step 2 counts whole buckets after it started: none of step 1's decisions.
    expect((await evaluateRollouts({ everyMs: 0 })).find((o) => o.rolloutId === id)).toMatchObject({ action: "hold", step: 2 });
    expect((await a.api.rollout(id)).json.guards[0]).toMatchObject({ candidate: { n: 0 }, baseline: { n: 0 } });
    await nextBucket();
    await traffic(a.dp, a.cand, 35);
    await traffic(a.dp, a.base, 35);
    expect(await evaluateUntil(id, (s) => s !== "running")).toMatchObject({ status: "completed" });
    const view = (await a.api.rollout(id)).json;
    expect(view).toMatchObject({ status: "completed", share: 100, shares: { [a.cand]: 100, [a.base]: 0 } });
    const versions = (await a.api.versions(a.agent.id)).json as { version: string; current: boolean }[];
    expect(versions.find((v) => v.current)?.version).toBe(a.cand);
    expect(await webhookData("rollout.completed", id)).toHaveLength(1);
    expect(await rolloutAuditKinds(id)).toEqual(["rollout.started", "rollout.step", "rollout.completed"]);
    // Every instance now answers the candidate for every key.
    const release = await a.dp.raw("GET", "/v1/agent/release?key=cust-1");
    expect(release.json).toMatchObject({ version: a.cand, config: { model: "m-2" }, rollout: null });
  }, 60_000);

  it("is claimed by one evaluator at a time: two concurrent evaluations promote once", async () => {
    const a = startedFor("concurrent");
    const id = a.id;
    await traffic(a.dp, a.cand, 35);
    await traffic(a.dp, a.base, 35);
    await Promise.all([evaluateRollouts({ everyMs: 0 }), evaluateRollouts({ everyMs: 0 }), evaluateRollouts({ everyMs: 0 })]);
    await evaluateUntil(id, (_s, step) => step >= 2);
    expect((await rolloutAuditKinds(id)).filter((k) => k === "rollout.step")).toHaveLength(1);
  }, 40_000);
});

/** Scripted traffic that makes the candidate regress on one metric, the baseline not. */
const mixes: Record<GuardMetric, (a: Awaited<ReturnType<typeof agentWithVersions>>) => Promise<string[]>> = {
  deny_rate: async (a) => {
    await createPolicy({ spec: policySpecSchema.parse({ name: unique("deny-cand"), effect: "deny", target: { versions: [a.cand] }, condition: "true" }), actor: "system", userId: null });
    await traffic(a.dp, a.base, 40);
    await traffic(a.dp, a.cand, 40);
    return [];
  },
  escalation_rate: async (a) => {
    await createPolicy({ spec: policySpecSchema.parse({ name: unique("esc-cand"), effect: "require_approval", target: { versions: [a.cand] }, condition: "true" }), actor: "system", userId: null });
    await traffic(a.dp, a.base, 40);
    return (await traffic(a.dp, a.cand, 40)).map((r) => r.id);
  },
  rejection_rate: async (a) => {
    await createPolicy({ spec: policySpecSchema.parse({ name: unique("esc-all"), effect: "require_approval", target: { agents: [a.agent.id] }, condition: "true" }), actor: "system", userId: null });
    const base = await traffic(a.dp, a.base, 35);
    const cand = await traffic(a.dp, a.cand, 35);
    for (const r of base) await decideApproval({ actionId: r.id, principal: approver.principal, input: { decision: "approve" } });
    for (const r of cand) await decideApproval({ actionId: r.id, principal: approver.principal, input: { decision: "reject" } });
    return [];
  },
  flag_rate: async (a) => {
    await createPolicy({ spec: policySpecSchema.parse({ name: unique("flag-cand"), stage: "post", effect: "flag", target: { versions: [a.cand] }, condition: "true" }), actor: "system", userId: null });
    for (const v of [a.base, a.cand]) for (const r of await traffic(a.dp, v, 35)) await a.dp.result(r.id, { status: "succeeded" });
    return [];
  },
  failure_rate: async (a) => {
    for (const r of await traffic(a.dp, a.base, 35)) await a.dp.result(r.id, { status: "succeeded" });
    for (const r of await traffic(a.dp, a.cand, 35)) await a.dp.result(r.id, { status: "failed", error: "timeout" });
    return [];
  },
  pii_per_action: async (a) => {
    await traffic(a.dp, a.base, 40, { input: { note: "restock" } });
    await traffic(a.dp, a.cand, 40, { input: { note: "mail jane.doe@maison.example" } });
    return [];
  },
  breaker_trips: async (a) => {
    await traffic(a.dp, a.base, 40);
    // Only the candidate's requests meet the hold (a halt stops like an open breaker).
    await halt({ scope: { kind: "agent", agentId: a.agent.id }, reason: "scripted stop", actor: "user:test" });
    await traffic(a.dp, a.cand, 40);
    return [];
  },
};

describe("automatic rollback", () => {
  for (const metric of GUARD_METRICS) {
    it(`rolls back by itself when the candidate regresses on ${metric}: share 0, the guard, both rates, the interval and samples audited and sent`, async () => {
      const a = startedFor(`regresses:${metric}`);
      const id = a.id;
      const pendingCandidate = await mixes[metric](a);
      expect(await evaluateUntil(id, (s) => s !== "running")).toMatchObject({ status: "rolled_back" });

      const view = (await a.api.rollout(id)).json;
      expect(view).toMatchObject({ status: "rolled_back", share: 0, shares: { [a.cand]: 0, [a.base]: 100 } });
      expect(view.endedReason).toContain(`${metric} regressed`);
      const g = view.guards[0];
      expect(g).toMatchObject({ metric, verdict: "regressed" });
      expect(g.candidate.rate).toBeGreaterThan(g.baseline.rate + 0.05);
      expect(g.candidate.n).toBeGreaterThanOrEqual(30);
      expect(g.baseline.n).toBeGreaterThanOrEqual(30);
      expect(g.interval[0]).toBeGreaterThan(0);

      const { rows } = await pool().query(`SELECT actor, data FROM audit_events WHERE subject = $1 AND kind = 'rollout.rolled_back'`, [`rollout:${id}`]);
      expect(rows).toHaveLength(1);
      expect(rows[0].actor).toBe("system");
      expect(rows[0].data).toMatchObject({ cause: "guard", to: { status: "rolled_back", share: 0 }, guard: { metric, verdict: "regressed" } });
      expect(rows[0].data.guard.candidate.n).toBe(g.candidate.n);
      expect(rows[0].data.guard.interval[0]).toBeGreaterThan(0);
      const hooks = await webhookData("rollout.rolled_back", id);
      expect(hooks).toHaveLength(1);
      expect(hooks[0]).toMatchObject({ cause: "guard", share: 10, guard: { metric, verdict: "regressed" }, by: "warden" });

      // The candidate gets no traffic any more; its pending actions stay as they were.
      for (const key of ["k1", "k2", "k3", "k4", "k5", "k6"]) {
        const r = await a.dp.raw("GET", `/v1/agent/release?key=${key}`);
        expect(r.json).toMatchObject({ version: a.base, rollout: null });
      }
      if (pendingCandidate.length) {
        const p = await pool().query(`SELECT count(*)::int AS n FROM actions WHERE id = ANY($1) AND status = 'PENDING'`, [pendingCandidate]);
        expect(p.rows[0].n).toBe(pendingCandidate.length);
      }
    }, 60_000);
  }

  it("does not roll back a harmless candidate", async () => {
    const a = startedFor("harmless");
    const id = a.id;
    for (const v of [a.base, a.cand]) for (const r of await traffic(a.dp, v, 40)) await a.dp.result(r.id, { status: "succeeded" });
    await evaluateRollouts({ everyMs: 0 });
    const view = (await a.api.rollout(id)).json;
    expect(view.status).toBe("running");
    expect(view.guards.map((g: { verdict: string }) => g.verdict)).not.toContain("regressed");
    expect(view.guards.find((g: { metric: string }) => g.metric === "deny_rate")).toMatchObject({ verdict: "ok", candidate: { n: 40 }, baseline: { n: 40 } });
  }, 40_000);
});

describe("experiments", () => {
  it("never promote by themselves, report every metric per version with intervals, and end by an operator", async () => {
    const a = started.get("experiment")!;
    expect(a.status).toBe(201);
    const id = a.id;
    for (const v of [a.base, a.cand]) for (const x of await traffic(a.dp, v, 40)) await a.dp.result(x.id, { status: "succeeded" });
    for (let i = 0; i < 3; i++) await evaluateRollouts({ everyMs: 0 });
    const view = (await a.api.rollout(id)).json;
    expect(view).toMatchObject({ status: "running", step: 1, share: 50, mode: "experiment", decision: expect.stringContaining("holding") });
    expect(view.metrics.map((m: { metric: string }) => m.metric).sort()).toEqual([...GUARD_METRICS].sort());
    const deny = view.metrics.find((m: { metric: string }) => m.metric === "deny_rate");
    expect(deny).toMatchObject({ candidate: { n: 40 }, baseline: { n: 40 }, verdict: "ok" });
    expect(deny.interval[0]).toBeLessThan(0);
    expect(deny.interval[1]).toBeGreaterThan(0);
    expect((await a.api.control(id, "end", { reason: "enough data" })).json).toMatchObject({ status: "ended", endedReason: "enough data", share: 0 });
    const versions = (await a.api.versions(a.agent.id)).json as { version: string; current: boolean }[];
    expect(versions.find((v) => v.current)?.version).toBe(a.base);
    expect(await rolloutAuditKinds(id)).toEqual(["rollout.started", "rollout.ended"]);
  }, 40_000);
});

describe("manual controls", () => {
  it("pause, promote, resume and roll back by hand, each with a reason, audited with who and why", async () => {
    const a = await agentWithVersions();
    const id = (await a.api.start(a.agent.id, canary(a.cand, a.base))).json.rollout.id as string;
    expect((await a.api.control(id, "pause", {})).status).toBe(400);
    expect((await a.api.control(id, "resume", { reason: "not paused" })).json.error.code).toBe("rollout_ended");
    expect((await a.api.control(id, "pause", { reason: "checking a dashboard" })).json).toMatchObject({ status: "paused", step: 1, share: 10 });
    expect((await a.api.control(id, "promote", { reason: "looks fine" })).json).toMatchObject({ status: "paused", step: 2, share: 50 });
    expect((await a.api.control(id, "resume", { reason: "go on" })).json).toMatchObject({ status: "running", step: 2 });
    expect((await a.api.control(id, "end", { reason: "canaries are not ended" })).json.error.code).toBe("rollout_ended");
    expect((await a.api.control(id, "rollback", { reason: "customer complaints" })).json).toMatchObject({ status: "rolled_back", share: 0, endedReason: "customer complaints", endedBy: op.principal.email });
    expect((await a.api.control(id, "pause", { reason: "too late" })).status).toBe(409);
    expect((await a.api.control(id, "launch", { reason: "x" })).status).toBe(404);
    expect((await a.api.control("rol_missing", "pause", { reason: "x" })).status).toBe(404);
    const { rows } = await pool().query(`SELECT kind, actor, data FROM audit_events WHERE subject = $1 ORDER BY seq`, [`rollout:${id}`]);
    expect(rows.map((r) => r.kind)).toEqual(["rollout.started", "rollout.paused", "rollout.step", "rollout.resumed", "rollout.rolled_back"]);
    for (const r of rows) expect(r.actor).toBe(`user:${op.user.id}`);
    expect(rows.slice(1).map((r) => r.data.reason)).toEqual(["checking a dashboard", "looks fine", "go on", "customer complaints"]);
    expect(rows[4].data).toMatchObject({ cause: "operator", from: { status: "running", step: 2, share: 50 }, to: { status: "rolled_back", share: 0 } });
    expect(await webhookData("rollout.rolled_back", id)).toEqual([expect.objectContaining({ cause: "operator", guard: null, reason: "customer complaints" })]);
    // Promote on the last step completes.
    const b = await agentWithVersions();
    const id2 = (await b.api.start(b.agent.id, canary(b.cand, b.base, { steps: [20, 60] }))).json.rollout.id as string;
    await b.api.control(id2, "promote", { reason: "step 2" });
    expect((await b.api.control(id2, "promote", { reason: "ship it" })).json).toMatchObject({ status: "completed", share: 100 });
    expect(await webhookData("rollout.completed", id2)).toEqual([expect.objectContaining({ cause: "operator", by: op.principal.email })]);
  });
});
