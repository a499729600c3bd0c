import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { verifyAuditChain } from "../../lib/audit/index.ts";
import { decisionAdmission, type AdmissionState } from "../../lib/dataplane/index.ts";
import { pool } from "../../lib/db/index.ts";
import { batchStats } from "../../lib/decisions/index.ts";
import { HALT_LOCK } from "../../lib/killswitch/index.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";

// One decision at a time per process, two may wait; the decision path's own deadlines far
// above what this test holds a decision for (it holds it with a real lock, below).
process.env.WARDEN_DECISION_CONCURRENCY = "1";
process.env.WARDEN_DECISION_QUEUE = "2";
process.env.WARDEN_DB_TIMEOUT_MS = "30000";
process.env.WARDEN_DECISION_TIMEOUT_MS = "30000";

const waitFor = async (what: string, cond: () => boolean | Promise<boolean>, ms = 15_000) => {
  const deadline = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe("admission control on POST /v1/actions", () => {
  let dp: Awaited<ReturnType<typeof startDataPlane>>;
  beforeAll(async () => {
    dp = await startDataPlane();
  });
  afterAll(() => dp.close());

  it("works on at most the bound at once, queues the next ones in order, refuses beyond the queue with 503 + Retry-After and records nothing for it", { timeout: 60_000 }, async () => {
    const { apiKey, agent } = await newAgent();
    const api = client(dp.base, apiKey);
    // Warm the caches (policies, identity) with one decision, so what follows only decides.
    expect((await api.ask({ action: "pricing.set_price", input: { warm: true } })).status).toBe(200);

    const states: AdmissionState[] = [];
    const unobserve = decisionAdmission().observe((s) => states.push(s));
    const batchesBefore = batchStats();
    // Decision transactions take HALT_LOCK shared; holding it exclusively keeps the admitted
    // decision in its commit for as long as this test likes.
    const holder = new pg.Client({ connectionString: process.env.DATABASE_URL });
    await holder.connect();
    const waitingForLock = async () =>
      (await holder.query<{ n: number }>(`SELECT count(*)::int AS n FROM pg_locks WHERE locktype = 'advisory' AND classid = 0 AND objid = $1 AND NOT granted`, [HALT_LOCK])).rows[0]!.n;
    try {
      await holder.query("BEGIN");
      await holder.query(`SELECT pg_advisory_xact_lock(${HALT_LOCK})`);
      const ask = (key: string) => api.ask({ action: "pricing.set_price", input: { key }, idempotencyKey: key });

      const first = ask("adm-a");
      await waitFor("the first decision to wait for the lock in its commit", async () => (await waitingForLock()) === 1);
      const queued: Promise<{ status: number; json: any }>[] = [];
      for (const [i, key] of ["adm-b", "adm-c"].entries()) {
        queued.push(ask(key));
        await waitFor(`${i + 1} decision(s) queued`, () => decisionAdmission().state().queued === i + 1);
      }
      // The queue is full: the next one is refused at once, without being decided.
      const refused = await ask("adm-refused");
      expect(refused.status).toBe(503);
      expect(refused.json.error).toMatchObject({ code: "unavailable", details: { retryAfterSeconds: 1 } });
      const raw = await fetch(`${dp.base}/v1/actions`, {
        method: "POST",
        headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" },
        body: JSON.stringify({ action: "pricing.set_price", input: {}, idempotencyKey: "adm-refused-2" }),
      });
      expect(raw.status).toBe(503);
      expect(raw.headers.get("retry-after")).toBe("1");
      await raw.text();
      // Still exactly one decision transaction in PostgreSQL: the queued ones never got there.
      expect(await waitingForLock()).toBe(1);
      expect(decisionAdmission().state()).toMatchObject({ active: 1, queued: 2 });

      await holder.query("ROLLBACK");
      const answers = await Promise.all([first, ...queued]);
      for (const a of answers) expect(a).toMatchObject({ status: 200, json: { decision: "allow", status: "allowed" } });
    } finally {
      await holder.query("ROLLBACK").catch(() => undefined);
      await holder.end();
      unobserve();
    }

    // Never more than the bound in decide/commit; every admitted one let go again.
    expect(Math.max(...states.map((s) => s.active))).toBe(1);
    expect(decisionAdmission().state()).toMatchObject({ active: 0, queued: 0 });
    expect(states.filter((s, i) => i > 0 && s.refused > states[i - 1]!.refused)).toHaveLength(2);
    // One decision per transaction (the bound is 1): three transactions of one decision each.
    const after = batchStats();
    expect(after.batches - batchesBefore.batches).toBe(3);
    expect(after.decisions - batchesBefore.decisions).toBe(3);
    // First come, first served: the audit chain's order is the arrival order.
    const { rows } = await pool().query<{ key: string; seq: number }>(
      `SELECT a.idempotency_key AS key, e.seq FROM actions a JOIN audit_events e ON e.subject = 'action:' || a.id AND e.kind = 'action.decided'
        WHERE a.agent_id = $1 AND a.idempotency_key LIKE 'adm-%' ORDER BY e.seq`,
      [agent.id],
    );
    expect(rows.map((r) => r.key)).toEqual(["adm-a", "adm-b", "adm-c"]);
    expect((await verifyAuditChain()).ok).toBe(true);
  });
});
