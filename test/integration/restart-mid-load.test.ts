import { describe, expect, it } from "vitest";
import { newAgent } from "../support/dataplane.ts";
import { askFresh } from "../support/fresh-connection.ts";
import { unique } from "../support/fixtures.ts";
import { expectEveryDecisionAuditedOnce, killLoad } from "../support/kill-load.ts";
import { spawnCluster } from "../support/spawn-cluster.ts";
import { spawnInstance } from "../support/spawn-instance.ts";

describe("an instance killed mid-load", () => {
  it("leaves every decision an agent received in the audit log exactly once, and a chain that verifies", async () => {
    const { apiKey, agent } = await newAgent({ cohort: unique("crash") });
    const instance = await spawnInstance();
    const load = killLoad(
      async (body) => {
        const res = await fetch(`${instance.base}/v1/actions`, { method: "POST", headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" }, body: JSON.stringify(body) });
        return { status: res.status, json: await res.json() };
      },
      { agents: 16, endOnCutOff: true },
    );
    await load.until("more than 50 decisions answered", () => load.answered.length > 50, 30_000);
    await instance.kill(); // SIGKILL: no graceful shutdown, transactions cut mid-flight
    await load.ended();
    expect(load.answered.length).toBeGreaterThan(50);
    expect(load.cutOff).toBe(16); // every agent lost its connection to the killed server
    await expectEveryDecisionAuditedOnce(agent.id, load.answered);
  }, 60_000);
});

describe("a worker killed mid-load (WARDEN_WORKERS=2)", () => {
  it("loses no answered decision; the primary restarts the worker and the service goes on", async () => {
    const { apiKey, agent } = await newAgent({ cohort: unique("wcrash") });
    const instance = await spawnCluster(2);
    try {
      // Each request on a connection of its own, so both workers take turns and report who answered.
      const load = killLoad((body) => askFresh(instance.base, apiKey, body), { agents: 12, endOnCutOff: false });
      try {
        const victim = () => [...load.byWorker.keys()].find((k) => k.startsWith("1:"));
        await load.until("both workers answering", () => load.answered.length > 20 && victim() !== undefined, 60_000);
        const killed = victim()!;
        process.kill(Number(killed.split(":")[1]), "SIGKILL"); // no graceful shutdown, batches cut mid-flight
        const back = await instance.waitFor(/worker 2 is back \(pid (\d+)\)/, 60_000);
        const restarted = `1:${back[1]}`;
        expect(restarted).not.toBe(killed);
        await load.until("the restarted worker answering", () => (load.byWorker.get(restarted) ?? 0) >= 5, 60_000);
      } finally {
        await load.stop();
      }
      expect(instance.lines.some((l) => /worker 2 \(pid \d+\) exited \(signal SIGKILL\); restarting it/.test(l))).toBe(true);
      console.log(`worker kill: ${load.describe()}`);
      await expectEveryDecisionAuditedOnce(agent.id, load.answered);
    } finally {
      await instance.stop();
    }
  }, 180_000);
});
