import { beforeEach, describe, expect, it } from "vitest";
import {
  applyAuditRetention,
  audit,
  auditQuerySchema,
  appendAuditEvents,
  ensureAuditPartitions,
  listAuditEvents,
  listAuditPartitions,
  verifyAuditChain,
} from "../../lib/audit/index.ts";
import { GET as listActionsRoute } from "../../app/api/actions/route.ts";
import { GET as listAuditRoute } from "../../app/api/audit/route.ts";
import { pool, withPgTransaction } from "../../lib/db/index.ts";
import { asSuperuser, switchToFreshDatabase } from "../support/db.ts";
import { call, userWithToken } from "../support/fixtures.ts";

/** Appends `n` chained events stamped `at` (history, as seed:volume writes it), one chain per call. */
async function appendAt(at: Date, n: number, subject = "thing") {
  await withPgTransaction((run) =>
    appendAuditEvents(
      run,
      Array.from({ length: n }, (_, i) => ({ actor: "system", kind: "test.history", subject: `${subject}:${i}`, data: { i }, at })),
    ),
  );
}

const count = async (where = "TRUE", params: unknown[] = []) =>
  Number((await pool().query<{ n: string }>(`SELECT count(*) AS n FROM audit_events WHERE ${where}`, params)).rows[0]!.n);

describe("audit storage: monthly partitions, retention and verification", () => {
  beforeEach(async () => {
    await switchToFreshDatabase();
  });

  it("stores events in the partition of their month and refuses TRUNCATE on a partition too", async () => {
    await ensureAuditPartitions(new Date("2026-03-01T00:00:00Z"), new Date("2026-03-31T00:00:00Z"));
    await appendAt(new Date("2026-03-15T10:00:00Z"), 3);
    await audit({ actor: "system", kind: "test.now", subject: "now:1" });
    const { rows } = await pool().query<{ part: string; n: number }>(
      `SELECT tableoid::regclass::text AS part, count(*)::int AS n FROM audit_events GROUP BY 1 ORDER BY 1`,
    );
    const thisMonth = `audit_events_p${new Date().toISOString().slice(0, 7).replace("-", "")}`;
    expect(rows).toEqual([
      { part: "audit_events_p202603", n: 3 },
      { part: thisMonth, n: 1 },
    ]);
    await expect(pool().query("TRUNCATE audit_events_p202603")).rejects.toThrow(/append-only/);
    await expect(pool().query("DELETE FROM audit_events_p202603")).rejects.toThrow(/append-only/);
    const months = (await listAuditPartitions()).map((p) => p.name);
    expect(months).toContain("audit_events_p202603");
    expect(months).toContain(thisMonth);
  });

  it("drops a whole old month, records the removed runs, and the chains still verify", async () => {
    await ensureAuditPartitions(new Date("2026-03-01T00:00:00Z"), new Date("2026-05-31T00:00:00Z"));
    // History written after today's events: the March run sits in the middle of chains.
    for (let i = 0; i < 6; i++) await audit({ actor: "system", kind: "test.now", subject: `before:${i}` });
    for (let i = 0; i < 10; i++) await appendAt(new Date("2026-03-15T10:00:00Z"), 3, `march${i}`);
    for (let i = 0; i < 5; i++) await appendAt(new Date("2026-05-10T10:00:00Z"), 2, `may${i}`);
    for (let i = 0; i < 6; i++) await audit({ actor: "system", kind: "test.now", subject: `after:${i}` });
    expect(await verifyAuditChain()).toMatchObject({ ok: true, events: 52 });

    await expect(applyAuditRetention({ before: new Date("2099-01-01T00:00:00Z"), actor: "user:x" })).rejects.toThrow(/current month/);
    const { dropped } = await applyAuditRetention({ before: new Date("2026-04-01T00:00:00Z"), actor: "user:admin" });
    expect(dropped).toMatchObject([{ name: "audit_events_p202603", events: 30 }]);
    // Each chain's removed run is listed with the hash the next survivor must link to.
    expect(dropped[0]!.ranges.reduce((n, r) => n + r.to - r.from + 1, 0)).toBe(30);
    expect(await count("at < '2026-04-01'")).toBe(0);
    const ranges = await pool().query<{ events: string }>(`SELECT events FROM audit_pruned_ranges WHERE partition = 'audit_events_p202603'`);
    expect(ranges.rows.reduce((n, r) => n + Number(r.events), 0)).toBe(30);
    // 22 survivors plus the retention event itself.
    expect(await verifyAuditChain()).toMatchObject({ ok: true, events: 23 });
    const [event] = (await listAuditEvents({ kind: "audit.retention_applied", limit: 5 })).events;
    expect(event).toMatchObject({ actor: "user:admin", data: { partitions: [{ name: "audit_events_p202603", events: 30 }] } });

    // Retention is not a licence to tamper: an edit to a surviving May event is still caught.
    const { rows } = await pool().query<{ seq: string }>(`SELECT seq FROM audit_events WHERE subject = 'may0:1'`);
    await asSuperuser((c) => c.query(`UPDATE audit_events SET data = '{"i": 99}' WHERE subject = 'may0:1'`));
    expect(await verifyAuditChain()).toMatchObject({ ok: false, firstBadSeq: Number(rows[0]!.seq) });
  });

  it("an incremental verification reads only what arrived since the last passing one, and a full one re-proves everything", async () => {
    for (let i = 0; i < 20; i++) await audit({ actor: "system", kind: "test.event", subject: `a:${i}` });
    expect(await verifyAuditChain({ scope: "full" })).toMatchObject({ ok: true, events: 20 });
    for (let i = 0; i < 5; i++) await audit({ actor: "system", kind: "test.event", subject: `b:${i}` });
    expect(await verifyAuditChain({ scope: "incremental" })).toMatchObject({ ok: true, scope: "incremental", events: 5 });

    // A new event altered after the checkpoint: caught incrementally.
    await audit({ actor: "system", kind: "test.event", subject: "c:0" });
    const { rows } = await pool().query<{ seq: string }>(`SELECT seq FROM audit_events WHERE subject = 'c:0'`);
    await asSuperuser((c) => c.query(`UPDATE audit_events SET actor = 'user:mallory' WHERE subject = 'c:0'`));
    expect(await verifyAuditChain({ scope: "incremental" })).toMatchObject({ ok: false, firstBadSeq: Number(rows[0]!.seq) });

    // After a failure there is nothing to continue from: the next quick check runs from genesis.
    expect(await verifyAuditChain({ scope: "incremental" })).toMatchObject({ ok: false, scope: "full", firstBadSeq: Number(rows[0]!.seq) });
    const last = await pool().query<{ ok: boolean; scope: string }>(`SELECT ok, scope FROM audit_verifications ORDER BY at DESC, id DESC LIMIT 1`);
    expect(last.rows[0]).toEqual({ ok: false, scope: "full" });
  });

  it("a quick verification can't turn green what a full one found broken", async () => {
    for (let i = 0; i < 10; i++) await audit({ actor: "system", kind: "test.event", subject: `a:${i}` });
    expect(await verifyAuditChain({ scope: "full" })).toMatchObject({ ok: true });
    const { rows } = await pool().query<{ seq: string }>(`SELECT seq FROM audit_events WHERE subject = 'a:3'`);
    await asSuperuser((c) => c.query(`UPDATE audit_events SET data = '{"x": 1}' WHERE subject = 'a:3'`));
    // The edit sits before the checkpoints, so only a full verification sees it…
    expect(await verifyAuditChain({ scope: "incremental" })).toMatchObject({ ok: true, scope: "incremental", events: 0 });
    expect(await verifyAuditChain({ scope: "full" })).toMatchObject({ ok: false, firstBadSeq: Number(rows[0]!.seq) });
    // …and once it has, quick checks no longer start from the old checkpoints.
    expect(await verifyAuditChain({ scope: "incremental" })).toMatchObject({ ok: false, firstBadSeq: Number(rows[0]!.seq) });
  });

  it("a quick verification continues across a month dropped by retention after its checkpoint", async () => {
    await ensureAuditPartitions(new Date("2026-03-01T00:00:00Z"), new Date("2026-03-31T00:00:00Z"));
    for (let i = 0; i < 4; i++) await audit({ actor: "system", kind: "test.now", subject: `before:${i}` });
    for (let i = 0; i < 8; i++) await appendAt(new Date("2026-03-15T10:00:00Z"), 2, `march${i}`);
    // The checkpoints now sit on March events, at the tail of their chains.
    expect(await verifyAuditChain({ scope: "full" })).toMatchObject({ ok: true, events: 20 });
    await applyAuditRetention({ before: new Date("2026-04-01T00:00:00Z"), actor: "user:admin" });
    for (let i = 0; i < 3; i++) await audit({ actor: "system", kind: "test.now", subject: `after:${i}` });
    expect(await verifyAuditChain({ scope: "incremental" })).toMatchObject({ ok: true, scope: "incremental" });
    expect(await verifyAuditChain({ scope: "full" })).toMatchObject({ ok: true, events: 8 });
  });

  it("a forged pruned range does not hide a deleted event, and the records of retention are append-only", async () => {
    for (let i = 0; i < 12; i++) await audit({ actor: "system", kind: "test.event", subject: `e:${i}` });
    const { rows } = await pool().query<{ chain: number; chain_seq: string; seq: string; prev_hash: string }>(
      `SELECT chain, chain_seq, seq, prev_hash FROM audit_events WHERE subject = 'e:5'`,
    );
    const victim = rows[0]!;
    const month = `audit_events_p${new Date().toISOString().slice(0, 7).replace("-", "")}`;
    await asSuperuser(async (c) => {
      await c.query(`DELETE FROM audit_events WHERE subject = 'e:5'`);
      // Claim retention removed it, with the hash the next event links to.
      const next = await c.query<{ prev_hash: string }>(`SELECT prev_hash FROM audit_events WHERE chain = $1 AND chain_seq = $2`, [victim.chain, Number(victim.chain_seq) + 1]);
      await c.query(
        `INSERT INTO audit_pruned_ranges (id, chain, from_chain_seq, to_chain_seq, last_hash, partition, events) VALUES ('prn_forged', $1, $2, $2, $3, $4, 1)`,
        [victim.chain, victim.chain_seq, next.rows[0]?.prev_hash ?? victim.prev_hash, month],
      );
    });
    const res = await verifyAuditChain();
    expect(res).toMatchObject({ ok: false, why: expect.stringMatching(/missing/) });
    await expect(pool().query(`UPDATE audit_pruned_ranges SET events = 0`)).rejects.toThrow(/append-only/);
    await expect(pool().query(`DELETE FROM audit_verifications`)).rejects.toThrow(/append-only/);
  });

  it("answers out-of-range times and cursors with a 400, not a database error", async () => {
    const admin = await userWithToken("viewer");
    for (const path of ["/api/actions?from=-200000-01-01", "/api/actions?cursor=-200000-01-01T00:00:00Z%7Cact_x", "/api/actions?to=garbage"]) {
      const res = await call(listActionsRoute, { token: admin.token, path });
      expect(res.status, path).toBe(400);
    }
    for (const path of ["/api/audit?from=-200000-01-01", "/api/audit?cursor=1.9999999999999999999", "/api/audit?to=10000-01-01"]) {
      const res = await call(listAuditRoute, { token: admin.token, path });
      expect(res.status, path).toBe(400);
    }
  });

  it("keyset pages are complete and never repeat an event while new events keep arriving", async () => {
    for (let i = 0; i < 120; i++) await audit({ actor: "system", kind: "test.page", subject: `old:${i}`, agentId: i % 2 ? "agt_odd" : null });
    const before = new Set((await pool().query<{ seq: string }>(`SELECT seq FROM audit_events`)).rows.map((r) => Number(r.seq)));
    for (const filter of [{}, { agent: "agt_odd" }, { kind: "test.*" }]) {
      const seen: { at: string; seq: number }[] = [];
      let cursor: string | undefined;
      let writes = 0;
      do {
        // Writers race the reader: several events committed while each page is read.
        const [page] = await Promise.all([
          listAuditEvents({ ...filter, limit: 7, cursor }),
          ...Array.from({ length: 3 }, () => audit({ actor: "system", kind: "test.page", subject: `new:${writes++}`, agentId: "agt_odd" })),
        ]);
        seen.push(...page.events);
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      const seqs = seen.map((e) => e.seq);
      expect(new Set(seqs).size).toBe(seqs.length); // no duplicates
      for (let i = 1; i < seen.length; i++) {
        const [a, b] = [seen[i - 1]!, seen[i]!];
        expect(Date.parse(a.at) > Date.parse(b.at) || (a.at === b.at && a.seq > b.seq)).toBe(true); // strictly (at, seq) descending
      }
      // no gaps: every event that matched when paging began is on some page
      const matchedBefore = (
        await pool().query<{ seq: string }>(
          `SELECT seq FROM audit_events WHERE seq = ANY($1::bigint[]) AND ${"agent" in filter ? "agent_id = 'agt_odd'" : "TRUE"}`,
          [[...before]],
        )
      ).rows.map((r) => Number(r.seq));
      expect(matchedBefore.length).toBe("agent" in filter ? 60 : 120);
      for (const s of matchedBefore) expect(seqs).toContain(s);
    }
  });

  it("accepts only cursors it handed out", async () => {
    for (let i = 0; i < 3; i++) await audit({ actor: "system", kind: "test.event", subject: `x:${i}` });
    const { nextCursor } = await listAuditEvents({ limit: 1 });
    expect(auditQuerySchema.safeParse({ cursor: nextCursor }).success).toBe(true);
    for (const bad of ["12 OR 1=1", "12", "abc.1", "1.2.3", ""]) expect(auditQuerySchema.safeParse({ cursor: bad }).success).toBe(false);
  });
});
