import { expect } from "vitest";
import { verifyAuditChain } from "../../lib/audit/index.ts";
import { pool } from "../../lib/db/index.ts";

/** One decision request as a kill test's agent sends it; rejects when its connection dies. */
export type KillLoadAsk = (body: Record<string, unknown>) => Promise<{ status: number; json: any; worker?: string }>;

/**
 * Load for the tests that kill a Warden process mid-flight (test/integration/restart-mid-load):
 * `agents` loops, each asking `pricing.set_price` with its own idempotency keys (`w-i`). A 503
 * (a decision not durable in time on a loaded machine) is asked again with the same key; any
 * other status but 200 fails the loop. A request whose connection dies counts as cut off: that
 * loop ends there when `endOnCutOff` (the whole server is gone), else goes on (a worker died,
 * its siblings still answer). `answered` holds every decision an agent received; `byWorker`
 * counts them per `x-warden-worker` when the ask reports it. `until` waits for a condition (a
 * deadline, never a duration) and fails at once if a loop failed; `stop` ends the loops and
 * rethrows a loop's failure.
 */
export function killLoad(ask: KillLoadAsk, opts: { agents: number; endOnCutOff: boolean }) {
  const answered: string[] = [];
  const byWorker = new Map<string, number>();
  const counts = { cutOff: 0 };
  let stopping = false;
  let failure: Error | undefined;
  const loops = Promise.all(
    Array.from({ length: opts.agents }, async (_, w) => {
      for (let i = 0; !stopping; i++) {
        let res: Awaited<ReturnType<KillLoadAsk>>;
        try {
          res = await ask({ action: "pricing.set_price", input: { w, i }, idempotencyKey: `${w}-${i}` });
        } catch {
          counts.cutOff++; // the connection died: the agent got no answer
          if (opts.endOnCutOff) return;
          continue;
        }
        if (res.status === 503) {
          i--;
          continue;
        }
        if (res.status !== 200) throw (failure = new Error(`unexpected ${res.status}: ${JSON.stringify(res.json)}`));
        answered.push(res.json.id as string);
        if (res.worker) byWorker.set(res.worker, (byWorker.get(res.worker) ?? 0) + 1);
      }
    }),
  );
  loops.catch(() => undefined); // rethrown by until() and stop()
  const describe = () => `${answered.length} answered, ${counts.cutOff} cut off, by worker ${JSON.stringify(Object.fromEntries(byWorker))}`;
  return {
    answered,
    byWorker,
    get cutOff() {
      return counts.cutOff;
    },
    describe,
    /** Resolves once `ok()` holds; throws after `ms` or as soon as a loop failed. */
    async until(what: string, ok: () => boolean, ms: number): Promise<void> {
      const deadline = Date.now() + ms;
      while (!ok()) {
        if (failure) throw failure;
        if (Date.now() > deadline) throw new Error(`${what}: not within ${ms / 1000} s (${describe()})`);
        await new Promise((r) => setTimeout(r, 10));
      }
    },
    /** Ends the loops after their request in flight (all of them, when they end on a cut-off by themselves). */
    async stop(): Promise<void> {
      stopping = true;
      await loops;
    },
    /** Waits for every loop to end by itself (each on its cut-off). */
    ended: () => loops,
  };
}

/**
 * What a kill must leave: every decision an agent received audited exactly once, whatever
 * committed without an answer reaching its agent audited once too, and a chain that verifies.
 */
export async function expectEveryDecisionAuditedOnce(agentId: string, answered: string[]): Promise<void> {
  const { rows } = await pool().query<{ subject: string; n: number }>(
    `SELECT subject, count(*)::int AS n FROM audit_events WHERE kind = 'action.decided' AND agent_id = $1 GROUP BY subject`,
    [agentId],
  );
  const events = new Map(rows.map((r) => [r.subject, r.n]));
  for (const id of answered) expect(events.get(`action:${id}`)).toBe(1);
  const { rows: actions } = await pool().query<{ id: string }>(`SELECT id FROM actions WHERE agent_id = $1`, [agentId]);
  expect(rows.length).toBe(actions.length);
  expect(await verifyAuditChain()).toMatchObject({ ok: true });
}
