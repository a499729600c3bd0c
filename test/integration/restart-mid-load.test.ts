import { describe, expect, it } from "vitest";
import { verifyAuditChain } from "../../lib/audit/index.ts";
import { pool } from "../../lib/db/index.ts";
import { newAgent } from "../support/dataplane.ts";
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
