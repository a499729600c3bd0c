import { beforeEach, describe, expect, it } from "vitest";
import { registerAgent } from "../../lib/agents/index.ts";
import { audit, AUDIT_CHAINS, verifyAuditChain } from "../../lib/audit/index.ts";
import { eventHash } from "../../lib/audit/hash.ts";
import { pool } from "../../lib/db/index.ts";
import { asSuperuser, switchToFreshDatabase } from "../support/db.ts";

async function seedEvents(n: number) {
  for (let i = 0; i < n; i++) await audit({ actor: "system", kind: "test.event", subject: `thing:${i}`, data: { i, note: "hello" } });
}

/** A chain holding at least `min` events, with its events' seqs in chain order. */
async function aChainWith(min: number): Promise<{ chain: number; seqs: number[] }> {
  const { rows } = await pool().query<{ chain: number; seqs: string[] }>(
    `SELECT chain, array_agg(seq ORDER BY chain_seq) AS seqs FROM audit_events GROUP BY chain HAVING count(*) >= $1 ORDER BY chain LIMIT 1`,
    [min],
  );
  if (!rows[0]) throw new Error(`no chain with ${min} events`);
  return { chain: rows[0].chain, seqs: rows[0].seqs.map(Number) };
}

describe("the audit log", () => {
  beforeEach(async () => {
    await switchToFreshDatabase();
  });

  it("is refused UPDATE, DELETE and TRUNCATE by the database itself", async () => {
    await seedEvents(3);
    await expect(pool().query("UPDATE audit_events SET kind = 'x'")).rejects.toThrow(/append-only/);
    await expect(pool().query("DELETE FROM audit_events")).rejects.toThrow(/append-only/);
    await expect(pool().query("TRUNCATE audit_events")).rejects.toThrow(/append-only/);
    const { rows } = await pool().query("SELECT count(*)::int AS n, count(*) FILTER (WHERE kind = 'x')::int AS x FROM audit_events");
    expect(rows[0]).toEqual({ n: 3, x: 0 });
  });

  it("verifies an intact chain and reports its size and head", async () => {
    await seedEvents(40);
    const res = await verifyAuditChain();
    expect(res).toMatchObject({ ok: true, events: 40, chains: AUDIT_CHAINS });
    if (res.ok) expect(res.head).toMatch(/^[0-9a-f]{64}$/);
  });

  it("names the seq of an event whose data a superuser altered", async () => {
    await seedEvents(40);
    const { seqs } = await aChainWith(3);
    const victim = seqs[1]!;
    await asSuperuser((c) => c.query(`UPDATE audit_events SET data = jsonb_set(data, '{note}', '"tampered"') WHERE seq = $1`, [victim]));
    expect(await verifyAuditChain()).toMatchObject({ ok: false, firstBadSeq: victim, why: expect.stringMatching(/altered/) });
  });

  it("names the altered event even when the tamperer re-computed its hash", async () => {
    await seedEvents(40);
    const { seqs } = await aChainWith(3);
    const victim = seqs[1]!;
    await asSuperuser(async (c) => {
      const r = (await c.query("SELECT * FROM audit_events WHERE seq = $1", [victim])).rows[0];
      const forged = eventHash({
        seq: Number(r.seq), at: r.at, actor: "user:someone-else", kind: r.kind, subject: r.subject, agentId: r.agent_id,
        cohort: r.cohort, data: r.data, chain: r.chain, chainSeq: Number(r.chain_seq), prevHash: r.prev_hash,
      });
      await c.query(`UPDATE audit_events SET actor = 'user:someone-else', hash = $2 WHERE seq = $1`, [victim, forged]);
    });
    expect(await verifyAuditChain()).toMatchObject({ ok: false, firstBadSeq: victim, why: expect.stringMatching(/re-hashed/) });
  });

  it("reports a removed event by its chain and position (its seq is gone with it)", async () => {
    await seedEvents(40);
    const { chain, seqs } = await aChainWith(3);
    await asSuperuser((c) => c.query("DELETE FROM audit_events WHERE seq = $1", [seqs[1]]));
    expect(await verifyAuditChain()).toMatchObject({ ok: false, firstBadSeq: null, chain, chainSeq: 2, why: expect.stringMatching(/event #2 is missing/) });
  });

  it("reports events removed from the end of a chain", async () => {
    await seedEvents(40);
    const { seqs } = await aChainWith(2);
    const last = seqs[seqs.length - 1]!;
    await asSuperuser((c) => c.query("DELETE FROM audit_events WHERE seq = $1", [last]));
    const res = await verifyAuditChain();
    expect(res.ok).toBe(false);
    if (!res.ok) expect(res.why).toMatch(/missing/);
  });

  it("reports two events that swapped places", async () => {
    await seedEvents(40);
    const { seqs } = await aChainWith(3);
    const [a, b] = [seqs[0]!, seqs[1]!];
    await asSuperuser(async (c) => {
      await c.query("UPDATE audit_events SET seq = -1 WHERE seq = $1", [a]);
      await c.query("UPDATE audit_events SET seq = $1 WHERE seq = $2", [a, b]);
      await c.query("UPDATE audit_events SET seq = $1 WHERE seq = -1", [b]);
    });
    expect(await verifyAuditChain()).toMatchObject({ ok: false, firstBadSeq: a });
  });

  it("keeps a gap-free, verifiable chain under 50 concurrent agent registrations", async () => {
    const results = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        registerAgent({ input: { name: `concurrent-${i}`, cohort: `load-${i % 3}`, owner: "load@test.example" }, actor: "system", createdById: null }),
      ),
    );
    expect(new Set(results.map((r) => r.agent.id)).size).toBe(50);
    const res = await verifyAuditChain();
    // 50 agent.registered + 50 agent_key.created + 3 cohort.created
    expect(res).toMatchObject({ ok: true, events: 103 });
    const { rows } = await pool().query(
      `SELECT chain, count(*)::int AS n, max(chain_seq)::int AS top, count(DISTINCT seq)::int AS distinct_seq FROM audit_events GROUP BY chain`,
    );
    for (const r of rows) expect(r.top).toBe(r.n); // chain_seq runs 1..n with no gap
    expect(rows.length).toBeGreaterThan(1); // writers really were spread over chains
  });
});
