import { describe, expect, it } from "vitest";
import { chainEvents, holdAllChains, insertEventsSql, moveHeadsSql, openChainStatements, takeChain, verifyAuditChain, type ChainHead } from "../../lib/audit/index.ts";
import { clientRunner, pipeline, pool } from "../../lib/db/index.ts";
import { switchToFreshDatabase } from "../support/db.ts";

// The ordering rule of lib/audit's chain protocol: a writer reserves its seqs while holding
// its chain head. The group commit opens a chain optimistically (openChainStatements: a free head and
// seqs in one round trip); when no head was free, the seqs it got are older than those another
// writer may commit on the chain it ends up waiting for, so takeChain must reserve new ones.
describe("the audit chain protocol", () => {
  it("reserves fresh seqs after waiting for a head, so seq order holds on every chain", async () => {
    await switchToFreshDatabase();
    const holder = await pool().connect();
    const waiter = await pool().connect();
    try {
      // Another writer holds every head.
      await holder.query("BEGIN");
      const held = await holdAllChains(clientRunner(holder), 0);

      // The batched writer opens its chain: no free head, but seqs reserved in that round trip.
      await waiter.query("BEGIN");
      const opened = await pipeline(waiter, openChainStatements(1));
      expect(opened[0]!.rows).toHaveLength(0);
      const early = opened[1]!.rows as { seq: number }[];
      const waiterPid = (await waiter.query<{ pid: number }>("SELECT pg_backend_pid() AS pid")).rows[0]!.pid;
      const taking = takeChain(clientRunner(waiter), 1, { head: undefined, seqs: early });

      // Wait until it is blocked on a head lock, then commit events on every chain with later seqs.
      for (;;) {
        const { rows } = await pool().query<{ w: string | null }>(`SELECT wait_event_type AS w FROM pg_stat_activity WHERE pid = $1`, [waiterPid]);
        if (rows[0]?.w === "Lock") break;
        await new Promise((r) => setImmediate(r));
      }
      held.seqs = (await holder.query<{ seq: number }>(`SELECT nextval(pg_get_serial_sequence('audit_events', 'seq'))::bigint AS seq FROM generate_series(1, 16)`)).rows.map((r) => Number(r.seq));
      const records = chainEvents(held, Array.from({ length: 16 }, (_, i) => ({ actor: "system", kind: "test.holder", subject: `h:${i}` })));
      await holder.query(insertEventsSql(records));
      await holder.query(moveHeadsSql(held));
      await holder.query("COMMIT");

      const slot = await taking;
      const mine = chainEvents(slot, [{ actor: "system", kind: "test.waiter", subject: "w" }]);
      await waiter.query(insertEventsSql(mine));
      await waiter.query(moveHeadsSql(slot));
      await waiter.query("COMMIT");

      const sameChain = records.find((r) => r.chain === mine[0]!.chain)!;
      expect(mine[0]!.seq).toBeGreaterThan(sameChain.seq);
      expect(mine[0]!.seq).toBeGreaterThan(Number(early[0]!.seq));
      expect(await verifyAuditChain()).toMatchObject({ ok: true, events: 17 });
    } finally {
      holder.release();
      waiter.release();
    }
  });

  it("uses the optimistic seqs when a head was free (one round trip, nothing extra)", async () => {
    await switchToFreshDatabase();
    const c = await pool().connect();
    try {
      await c.query("BEGIN");
      const opened = await pipeline(c, openChainStatements(3));
      const head = opened[0]!.rows[0] as ChainHead;
      const seqs = opened[1]!.rows as { seq: number }[];
      const slot = await takeChain(clientRunner(c), 3, { head, seqs });
      expect(slot.seqs).toEqual(seqs.map((s) => Number(s.seq)));
      await c.query("ROLLBACK");
    } finally {
      c.release();
    }
  });
});
