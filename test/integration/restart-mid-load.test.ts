import { describe, expect, it } from "vitest";
import { verifyAuditChain } from "../../lib/audit/index.ts";
import { pool } from "../../lib/db/index.ts";
import { newAgent } from "../support/dataplane.ts";
import { askFresh } from "../support/fresh-connection.ts";
import { spawnCluster } from "../support/spawn-cluster.ts";
import { spawnInstance } from "../support/spawn-instance.ts";
import { unique } from "../support/fixtures.ts";

describe("an instance killed mid-load", () => {
  it("leaves every decision an agent received in the audit log exactly once, and a chain that verifies", async () => {
    const { apiKey, agent } = await newAgent({ cohort: unique("crash") });
    const instance = await spawnInstance();
    const answered: string[] = [];
    let failures = 0;
    const load = Array.from({ length: 16 }, async (_, w) => {
      for (let i = 0; ; i++) {
        let res: Response;
        try {
          res = await fetch(`${instance.base}/v1/actions`, {
            method: "POST",
            headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
            body: JSON.stringify({ action: "pricing.set_price", input: { w, i }, idempotencyKey: `${w}-${i}` }),
          });
        } catch {
          failures++;
          return; // the server is gone
        }
        // 503 (a decision not durable in time on a loaded machine): ask again with the same key.
        if (res.status === 503) {
          await res.text();
          i--;
        } else if (res.status !== 200) throw new Error(`unexpected ${res.status}: ${await res.text()}`);
        else answered.push(((await res.json()) as { id: string }).id);
      }
    });
    const deadline = Date.now() + 30_000;
    while (answered.length <= 50) {
      if (Date.now() > deadline) throw new Error(`only ${answered.length} decisions answered in 30 s`);
      await new Promise((r) => setTimeout(r, 10));
    }
    await instance.kill(); // SIGKILL: no graceful shutdown, transactions cut mid-flight
    await Promise.all(load);
    expect(answered.length).toBeGreaterThan(50);
    expect(failures).toBe(16);

    const { rows } = await pool().query<{ subject: string; n: number }>(
      `SELECT subject, count(*)::int AS n FROM audit_events WHERE kind = 'action.decided' AND agent_id = $1 GROUP BY subject`,
      [agent.id],
    );
    const events = new Map(rows.map((r) => [r.subject, r.n]));
    for (const id of answered) expect(events.get(`action:${id}`)).toBe(1);
    // Whatever committed without an answer reaching the agent is recorded too, once.
    const { rows: actions } = await pool().query<{ id: string }>(`SELECT id FROM actions WHERE agent_id = $1`, [agent.id]);
    expect(rows.length).toBe(actions.length);
    expect(await verifyAuditChain()).toMatchObject({ ok: true });
  }, 60_000);
});

describe("a worker killed mid-load (WARDEN_WORKERS=2)", () => {
  it("loses no answered decision; the primary restarts the worker and the service goes on", async () => {
    const { apiKey, agent } = await newAgent({ cohort: unique("wcrash") });
    const instance = await spawnCluster(2);
    try {
      const answered: string[] = [];
      const byWorker = new Map<string, number>();
      let cutOff = 0; // requests whose connection died with the worker
      let stopLoad = false;
      const load = Array.from({ length: 12 }, async (_, w) => {
        for (let i = 0; !stopLoad; i++) {
          try {
            const res = await askFresh(instance.base, apiKey, { action: "pricing.set_price", input: { w, i }, idempotencyKey: `${w}-${i}` });
            if (res.status === 503) continue; // not durable in time on a loaded machine: nothing answered
            if (res.status !== 200) throw new Error(`unexpected ${res.status}: ${JSON.stringify(res.json)}`);
            answered.push(res.json.id as string);
            byWorker.set(res.worker, (byWorker.get(res.worker) ?? 0) + 1);
          } catch (err) {
            if ((err as Error).message.startsWith("unexpected")) throw err;
            cutOff++; // the connection was reset: the agent got no answer
          }
        }
      });
      const waitUntil = async (what: string, ok: () => boolean) => {
        const deadline = Date.now() + 60_000;
        while (!ok()) {
          if (Date.now() > deadline) throw new Error(`${what}: not within 60 s (${answered.length} answered, ${cutOff} cut off, by worker ${JSON.stringify(Object.fromEntries(byWorker))})`);
          await new Promise((r) => setTimeout(r, 10));
        }
      };
      try {
        const victim = () => [...byWorker.keys()].find((k) => k.startsWith("1:"));
        await waitUntil("both workers answering", () => answered.length > 20 && victim() !== undefined);
        const killed = victim()!;
        process.kill(Number(killed.split(":")[1]), "SIGKILL"); // no graceful shutdown, batches cut mid-flight
        const back = await instance.waitFor(/worker 2 is back \(pid (\d+)\)/, 60_000);
        const restarted = `1:${back[1]}`;
        expect(restarted).not.toBe(killed);
        await waitUntil("the restarted worker answering", () => (byWorker.get(restarted) ?? 0) >= 5);
      } finally {
        stopLoad = true;
        await Promise.all(load);
      }
      expect(instance.lines.some((l) => /worker 2 \(pid \d+\) exited \(signal SIGKILL\); restarting it/.test(l))).toBe(true);
      console.log(`worker kill: ${answered.length} answered, ${cutOff} cut off with the worker, answers by worker ${JSON.stringify(Object.fromEntries(byWorker))}`);

      const { rows } = await pool().query<{ subject: string; n: number }>(
        `SELECT subject, count(*)::int AS n FROM audit_events WHERE kind = 'action.decided' AND agent_id = $1 GROUP BY subject`,
        [agent.id],
      );
      const events = new Map(rows.map((r) => [r.subject, r.n]));
      for (const id of answered) expect(events.get(`action:${id}`)).toBe(1);
      const { rows: actions } = await pool().query<{ id: string }>(`SELECT id FROM actions WHERE agent_id = $1`, [agent.id]);
      expect(rows.length).toBe(actions.length);
      expect(await verifyAuditChain()).toMatchObject({ ok: true });
    } finally {
      await instance.stop();
    }
  }, 180_000);
});
