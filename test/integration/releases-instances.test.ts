import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { pool } from "../../lib/db/index.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { unique, userWithToken } from "../support/fixtures.ts";
import { releasesApi, rolloutAuditKinds } from "../support/releases.ts";
import { spawnInstance } from "../support/spawn-instance.ts";

let local: Awaited<ReturnType<typeof startDataPlane>>;
let op: Awaited<ReturnType<typeof userWithToken>>;
const spawned: Awaited<ReturnType<typeof spawnInstance>>[] = [];

beforeAll(async () => {
  local = await startDataPlane();
  op = await userWithToken("operator");
}, 60_000);
afterAll(async () => {
  await local.close();
  for (const s of spawned) await s.kill();
});

async function spawn(env: Record<string, string> = {}) {
  const s = await spawnInstance(env);
  spawned.push(s);
  return s;
}

const KEYS = Array.from({ length: 400 }, (_, i) => `cust-${i}`);

async function assignments(base: string, apiKey: string): Promise<Record<string, string>> {
  const api = client(base, apiKey);
  const out: Record<string, string> = {};
  for (let i = 0; i < KEYS.length; i += 50) {
    const batch = await Promise.all(KEYS.slice(i, i + 50).map((k) => api.raw("GET", `/v1/agent/release?key=${k}`)));
    batch.forEach((r, j) => {
      expect(r.status).toBe(200);
      out[KEYS[i + j]!] = r.json.version as string;
    });
  }
  return out;
}

describe("sticky assignment", () => {
  it("gives a key the same version on two instances and after a restart, near the step's share, with an ETag", async () => {
    const a = await newAgent();
    const tag = unique("s").replace(/-/g, "");
    const api = releasesApi(op.token);
    await api.register(a.agent.id, { version: `${tag}-v1`, config: { model: "m-1" } });
    await api.register(a.agent.id, { version: `${tag}-v2`, config: { model: "m-2" } });
    const remote = await spawn();
    // Before any rollout: the current version for everyone.
    expect(new Set(Object.values(await assignments(remote.base, a.apiKey)))).toEqual(new Set([`${tag}-v1`]));
    const rollout = (await api.start(a.agent.id, { candidate: `${tag}-v2`, steps: [25, 100], minSamplesPerStep: 1_000_000, stepMinSeconds: 3600, guards: [{ metric: "deny_rate", maxRelativeIncrease: 0.25 }] })).json.rollout;
    const here = await assignments(local.base, a.apiKey);
    const there = await assignments(remote.base, a.apiKey);
    expect(there).toEqual(here);
    const onCandidate = Object.values(here).filter((v) => v === `${tag}-v2`).length;
    // 25 % of 400 keys: 100 expected; binomial sd ≈ 8.7.
    expect(onCandidate).toBeGreaterThan(65);
    expect(onCandidate).toBeLessThan(135);
    // The answer names the rollout and carries the version's config and an ETag; If-None-Match → 304.
    const first = await fetch(`${remote.base}/v1/agent/release?key=cust-7`, { headers: { authorization: `Bearer ${a.apiKey}` } });
    const body = (await first.json()) as { version: string; config: { model: string }; rollout: string };
    expect(body).toMatchObject({ rollout: rollout.id, config: { model: body.version === `${tag}-v2` ? "m-2" : "m-1" } });
    const etag = first.headers.get("etag")!;
    expect(etag).toMatch(/^".+"$/);
    const revalidated = await fetch(`${local.base}/v1/agent/release?key=cust-7`, { headers: { authorization: `Bearer ${a.apiKey}`, "if-none-match": etag } });
    expect(revalidated.status).toBe(304);
    // Restart the other instance: the same keys, the same versions.
    await remote.kill();
    const again = await spawn();
    expect(await assignments(again.base, a.apiKey)).toEqual(here);
    // Bad input: no key.
    const nokey = await client(local.base, a.apiKey).raw("GET", "/v1/agent/release");
    expect(nokey.status).toBe(400);
    // A rollback reaches every instance at once (NOTIFY): all keys on the baseline, new ETag.
    await api.control(rollout.id, "rollback", { reason: "test" });
    const deadline = Date.now() + 5000;
    let after: Record<string, string> = {};
    do after = await assignments(again.base, a.apiKey);
    while (new Set(Object.values(after)).size > 1 && Date.now() < deadline);
    expect(new Set(Object.values(after))).toEqual(new Set([`${tag}-v1`]));
    const changed = await fetch(`${again.base}/v1/agent/release?key=cust-7`, { headers: { authorization: `Bearer ${a.apiKey}`, "if-none-match": etag } });
    expect(changed.status).toBe(200);
  }, 90_000);
});

describe("rollout state across restarts", () => {
  it("survives a restart of every instance mid-step: the next instance's job carries the step on", async () => {
    const a = await newAgent();
    const tag = unique("t").replace(/-/g, "");
    const api = releasesApi(op.token);
    await api.register(a.agent.id, { version: `${tag}-v1`, config: {} });
    await api.register(a.agent.id, { version: `${tag}-v2`, config: {} });
    const id = (await api.start(a.agent.id, { candidate: `${tag}-v2`, steps: [10, 50, 100], minSamplesPerStep: 40, stepMinSeconds: 0, guards: [{ metric: "deny_rate", maxAbsoluteIncrease: 0.05 }] })).json.rollout.id as string;
    // The step counts whole signal buckets after it started: traffic waits for the next bucket
    // boundary after the start answered (the spawn below takes part of that wait).
    const firstBucket = Math.ceil(Date.now() / 10_000) * 10_000 + 50;
    // The only job runner is the spawned instance (this process runs no jobs).
    let worker = await spawn({ WARDEN_TEST_JOBS: "1" });
    await new Promise((r) => setTimeout(r, Math.max(0, firstBucket - Date.now())));
    const send = async (base: string, version: string, n: number) => {
      const c = client(base, a.apiKey);
      for (let i = 0; i < n; i += 10) await Promise.all(Array.from({ length: Math.min(10, n - i) }, () => c.ask({ action: "shop.recommend", version })));
    };
    await send(worker.base, `${tag}-v2`, 20);
    await send(worker.base, `${tag}-v1`, 40);
    // Mid-step, every instance goes down hard.
    await worker.kill();
    const { rows: mid } = await pool().query(`SELECT status, step FROM rollouts WHERE id = $1`, [id]);
    expect(mid[0]).toEqual({ status: "RUNNING", step: 1 });
    worker = await spawn({ WARDEN_TEST_JOBS: "1" });
    await send(worker.base, `${tag}-v2`, 25);
    const deadline = Date.now() + 30_000;
    let step = 1;
    while (Date.now() < deadline && step === 1) {
      await new Promise((r) => setTimeout(r, 250));
      step = (await pool().query<{ step: number }>(`SELECT step FROM rollouts WHERE id = $1`, [id])).rows[0]!.step;
    }
    expect(step).toBe(2);
    expect(await rolloutAuditKinds(id)).toEqual(["rollout.started", "rollout.step"]);
  }, 90_000);
});
