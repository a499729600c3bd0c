import { execFile } from "node:child_process";
import { createPublicKey, generateKeyPairSync, sign, verify } from "node:crypto";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import canonicalize from "canonicalize";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import * as checkRoute from "../../app/api/audit/checkpoints/check/route.ts";
import * as listRoute from "../../app/api/audit/checkpoints/route.ts";
import * as keysRoute from "../../app/api/keys/[purpose]/route.ts";
import * as webhooksRoute from "../../app/api/webhooks/route.ts";
import { audit, checkCheckpoint, checkpointOnSchedule, verifyAuditChain, type SignedCheckpoint, type VerifyResult } from "../../lib/audit/index.ts";
import { eventHash } from "../../lib/audit/hash.ts";
import { hashedFields, type AuditRow } from "../../lib/audit/query.ts";
import { pool } from "../../lib/db/index.ts";
import { ensureSigningKey, keyIdOf, rotateSigningKey } from "../../lib/signing/index.ts";
import { deliverDueWebhooks } from "../../lib/webhooks/index.ts";
import { asSuperuser, switchToFreshDatabase } from "../support/db.ts";
import { call, userWithToken } from "../support/fixtures.ts";

const run = promisify(execFile);

async function seedEvents(n: number, from = 0) {
  for (let i = from; i < from + n; i++) await audit({ actor: "system", kind: "test.event", subject: `thing:${i}`, data: { i, note: "hello" } });
}

type Chain = { chain: number; seqs: number[]; top: number };
/** A chain holding at least `min` events, its events' seqs in chain order. */
async function aChainWith(min: number): Promise<Chain> {
  const { rows } = await pool().query<{ chain: number; seqs: string[] }>(
    `SELECT chain, array_agg(seq ORDER BY chain_seq) AS seqs FROM audit_events GROUP BY chain HAVING count(*) >= $1 ORDER BY count(*) DESC, chain LIMIT 1`,
    [min],
  );
  if (!rows[0]) throw new Error(`no chain with ${min} events`);
  return { chain: rows[0].chain, seqs: rows[0].seqs.map(Number), top: rows[0].seqs.length };
}

const checkpointCount = async () => Number((await pool().query<{ n: string }>(`SELECT count(*) AS n FROM audit_checkpoints`)).rows[0]!.n);

/** What an attacker with write access does after altering one event: recompute every later hash of the chain and its head. */
async function alterAndRehash(chain: number, fromChainSeq: number) {
  await asSuperuser(async (c) => {
    const rows = (await c.query<AuditRow>(`SELECT * FROM audit_events WHERE chain = $1 AND chain_seq >= $2 ORDER BY chain_seq`, [chain, fromChainSeq])).rows;
    let prevHash = rows[0]!.prev_hash;
    for (const [i, r] of rows.entries()) {
      const data = i === 0 ? { ...(r.data as object), note: "rewritten" } : r.data;
      const hash = eventHash({ ...hashedFields(r), data, prevHash });
      await c.query(`UPDATE audit_events SET data = $2::jsonb, prev_hash = $3, hash = $4 WHERE seq = $1`, [r.seq, JSON.stringify(data), prevHash, hash]);
      prevHash = hash;
    }
    await c.query(`UPDATE audit_chain_heads SET hash = $2 WHERE chain = $1`, [chain, prevHash]);
  });
}

/** Deletes a chain's newest `n` events and moves its head back to the event before them. */
async function truncate(chain: number, n: number) {
  await asSuperuser(async (c) => {
    const { rows } = await c.query<{ chain_seq: string; hash: string; seq: string }>(`SELECT seq, chain_seq, hash FROM audit_events WHERE chain = $1 ORDER BY chain_seq DESC LIMIT $2`, [chain, n + 1]);
    const keep = rows[n]!;
    await c.query(`DELETE FROM audit_events WHERE chain = $1 AND chain_seq > $2`, [chain, keep.chain_seq]);
    await c.query(`UPDATE audit_chain_heads SET chain_seq = $2, hash = $3 WHERE chain = $1`, [chain, keep.chain_seq, keep.hash]);
  });
}

const failed = (r: VerifyResult) => {
  if (r.ok) throw new Error(`expected a failed verification, got ok (${r.events} events)`);
  return r;
};

let fileDir: string;
beforeAll(() => {
  fileDir = mkdtempSync(path.join(os.tmpdir(), "warden-checkpoint-file-"));
});

describe("signed audit checkpoints", () => {
  let outsider: SignedCheckpoint; // what an outsider kept of the last checkpoint before the attack
  let sink: string;

  beforeEach(async () => {
    await switchToFreshDatabase();
    ensureSigningKey("checkpoints");
    sink = path.join(fileDir, `${Math.random().toString(36).slice(2)}.jsonl`);
    process.env.WARDEN_CHECKPOINT_FILE = sink;
    await seedEvents(48);
    const first = await verifyAuditChain();
    if (!first.ok || !first.checkpoint) throw new Error("the first verification should pass and sign");
    outsider = first.checkpoint;
  });
  afterAll(() => {
    delete process.env.WARDEN_CHECKPOINT_FILE;
  });

  it("a passing verification signs the 16 chain heads with a key published at /api/keys/checkpoints, into the database and the file", async () => {
    expect(outsider).toMatchObject({ type: "warden.audit.checkpoint", v: 1, alg: "EdDSA", heads: expect.any(Array) });
    expect(outsider.heads).toHaveLength(16);
    const { rows } = await pool().query<{ chain: number; chain_seq: number; hash: string }>(`SELECT chain, chain_seq, hash FROM audit_chain_heads ORDER BY chain`);
    expect(outsider.heads).toEqual(rows.map((h) => ({ chain: h.chain, chainSeq: Number(h.chain_seq), hash: h.hash })));

    // An outsider checks the signature with nothing but the published key (no Warden code).
    const keys = await call(keysRoute.GET as never, { path: "/api/keys/checkpoints", params: { purpose: "checkpoints" } });
    expect(keys.status).toBe(200);
    const jwk = keys.json.keys.find((k: { kid: string }) => k.kid === outsider.keyId);
    expect(jwk).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", status: "current" });
    const publicKey = createPublicKey({ key: { kty: "OKP", crv: "Ed25519", x: jwk.x }, format: "jwk" });
    expect(keyIdOf(publicKey)).toBe(outsider.keyId);
    const { signature, ...signedPart } = outsider;
    expect(verify(null, Buffer.from(canonicalize(signedPart)!), publicKey, Buffer.from(signature, "base64url"))).toBe(true);
    expect(verify(null, Buffer.from(canonicalize({ ...signedPart, seq: signedPart.seq + 1 })!), publicKey, Buffer.from(signature, "base64url"))).toBe(false);

    const stored = (await pool().query<{ document: string }>(`SELECT document FROM audit_checkpoints WHERE seq = $1`, [outsider.seq])).rows[0]!;
    expect(JSON.parse(stored.document)).toEqual(outsider);
    const lines = readFileSync(sink, "utf8").trim().split("\n");
    expect(JSON.parse(lines.at(-1)!)).toEqual(outsider);
    await expect(pool().query(`DELETE FROM audit_checkpoints`)).rejects.toThrow(/append-only/);
    expect(await call(keysRoute.GET as never, { params: { purpose: "receipts-nope" } })).toMatchObject({ status: 404, json: { error: { code: "not_found" } } });
  });

  it("the next verification checks the log against that checkpoint, and chains extend it", async () => {
    await seedEvents(10, 100);
    const res = await verifyAuditChain();
    expect(res).toMatchObject({ ok: true, checkedAgainst: [expect.objectContaining({ seq: outsider.seq })] });
    if (res.ok) expect(res.checkpoint!.seq).toBeGreaterThan(outsider.seq);
    // Incremental: walks only what came after the newest signed checkpoint.
    await seedEvents(5, 200);
    expect(await verifyAuditChain({ scope: "incremental" })).toMatchObject({ ok: true, scope: "incremental", events: 5 });
  });

  describe("each kind of tampering is found", () => {
    it("an altered event: named by seq, chain and position", async () => {
      const { chain, seqs } = await aChainWith(3);
      await asSuperuser((c) => c.query(`UPDATE audit_events SET data = jsonb_set(data, '{note}', '"tampered"') WHERE seq = $1`, [seqs[1]]));
      expect(await verifyAuditChain()).toMatchObject({ ok: false, firstBadSeq: seqs[1], chain, chainSeq: 2, why: expect.stringMatching(/altered/) });
    });

    it("an event deleted from the middle: named by its chain and position, not by a surviving event", async () => {
      const { chain, seqs } = await aChainWith(3);
      await asSuperuser((c) => c.query(`DELETE FROM audit_events WHERE seq = $1`, [seqs[1]]));
      const res = failed(await verifyAuditChain());
      expect(res).toMatchObject({ firstBadSeq: null, chain, chainSeq: 2 });
      expect(res.problems[0]).toMatchObject({ kind: "removed", chain, chainSeq: 2, seq: null });
      expect(res.why).toMatch(new RegExp(`chain ${chain}: event #2 is missing`));
    });

    it("the newest events deleted without moving the head: named by chain and position, not by another chain's seq", async () => {
      const { chain, seqs, top } = await aChainWith(3);
      await asSuperuser((c) => c.query(`DELETE FROM audit_events WHERE seq = $1`, [seqs.at(-1)]));
      expect(await verifyAuditChain()).toMatchObject({ ok: false, firstBadSeq: null, chain, chainSeq: top, why: expect.stringMatching(/missing/) });
    });

    it("the newest events deleted and the head moved back: the chain is truncated behind the signed checkpoint", async () => {
      const { chain, top } = await aChainWith(3);
      await truncate(chain, 2);
      const res = failed(await verifyAuditChain());
      expect(res).toMatchObject({ firstBadSeq: null, chain, chainSeq: top - 1 });
      expect(res.problems[0]).toMatchObject({ kind: "truncated" });
      expect(res.why).toMatch(new RegExp(`chain ${chain} ends at #${top - 2}, but checkpoint #${outsider.seq} .*holds it at #${top}`));
      expect(await checkCheckpoint(outsider)).toMatchObject({ ok: false, problems: [expect.objectContaining({ kind: "truncated", chain })] });
    });

    it("an alteration with every later hash and the head recomputed: the chain no longer holds what the checkpoint signed", async () => {
      const { chain, seqs, top } = await aChainWith(3);
      await alterAndRehash(chain, 2);
      const res = failed(await verifyAuditChain());
      expect(res.problems).toEqual([expect.objectContaining({ kind: "rewritten", chain, chainSeq: top, seq: seqs.at(-1) })]);
      expect(res.why).toMatch(/rewritten at or before/);
    });

    it("a rewrite with the database's checkpoints deleted too still fails against the outsider's copy and the file", async () => {
      const { chain } = await aChainWith(3);
      await alterAndRehash(chain, 2);
      await asSuperuser((c) => c.query(`DELETE FROM audit_checkpoints`));
      // The file sink still holds the last checkpoint:
      const fromFile = failed(await verifyAuditChain());
      expect(fromFile.problems.map((p) => p.kind).sort()).toEqual(["checkpoint_missing", "rewritten"]);
      // …and so does an outsider, even when the file is gone as well:
      delete process.env.WARDEN_CHECKPOINT_FILE;
      const given = failed(await verifyAuditChain({ checkpoint: outsider }));
      expect(given.problems).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "rewritten", chain }), expect.objectContaining({ kind: "checkpoint_missing" })]));
      expect(given.checkedAgainst).toEqual([expect.objectContaining({ seq: outsider.seq, source: "given" })]);
    });

    it("two events that swapped places", async () => {
      const { seqs } = await aChainWith(3);
      const [a, b] = [seqs[0]!, seqs[1]!];
      await asSuperuser(async (c) => {
        await c.query("UPDATE audit_events SET seq = -1 WHERE seq = $1", [a]);
        await c.query("UPDATE audit_events SET seq = $1 WHERE seq = $2", [a, b]);
        await c.query("UPDATE audit_events SET seq = $1 WHERE seq = -1", [b]);
      });
      expect(await verifyAuditChain()).toMatchObject({ ok: false, firstBadSeq: a });
    });

    it("the checkpoint replaced by one signed with another key", async () => {
      const { chain } = await aChainWith(3);
      await truncate(chain, 1);
      const heads = (await pool().query<{ chain: number; chain_seq: number; hash: string }>(`SELECT chain, chain_seq, hash FROM audit_chain_heads ORDER BY chain`)).rows;
      const theirs = generateKeyPairSync("ed25519");
      const body = { type: "warden.audit.checkpoint", v: 1, seq: outsider.seq, at: outsider.at, heads: heads.map((h) => ({ chain: h.chain, chainSeq: Number(h.chain_seq), hash: h.hash })), alg: "EdDSA", keyId: keyIdOf(theirs.publicKey) };
      const forged = { ...body, signature: sign(null, Buffer.from(canonicalize(body)!), theirs.privateKey).toString("base64url") };
      // Claiming Warden's key id doesn't help either.
      const bodyAsWarden = { ...body, keyId: outsider.keyId };
      const forgedAsWarden = { ...bodyAsWarden, signature: sign(null, Buffer.from(canonicalize(bodyAsWarden)!), theirs.privateKey).toString("base64url") };
      await asSuperuser(async (c) => {
        await c.query(`DELETE FROM audit_checkpoints`);
        await c.query(`INSERT INTO audit_checkpoints (seq, at, key_id, heads, document) VALUES ($1, $2, $3, $4::jsonb, $5)`, [forged.seq, forged.at, forged.keyId, JSON.stringify(forged.heads), JSON.stringify(forged)]);
      });
      writeFileSync(sink, `${JSON.stringify(forgedAsWarden)}\n`); // and the file rewritten
      const res = failed(await verifyAuditChain());
      const why = res.problems.map((p) => p.why).join("\n");
      expect(res.problems.every((p) => p.kind === "checkpoint_invalid")).toBe(true);
      expect(why).toMatch(/not one of Warden's published checkpoints keys/);
      expect(why).toMatch(/signature does not match/);
      // The outsider's genuine copy still shows the truncation.
      expect(failed(await verifyAuditChain({ checkpoint: outsider })).problems).toEqual(expect.arrayContaining([expect.objectContaining({ kind: "truncated", chain })]));
      expect(await checkCheckpoint(forged)).toMatchObject({ ok: false, problems: [expect.objectContaining({ kind: "checkpoint_invalid" })] });
    });
  });

  it("a verification that finds problems records no checkpoint, and the schedule signs nothing after it", async () => {
    const { chain } = await aChainWith(3);
    const before = await checkpointCount();
    await truncate(chain, 1);
    expect((await verifyAuditChain()).ok).toBe(false);
    expect((await verifyAuditChain({ scope: "incremental" })).ok).toBe(false);
    await seedEvents(3, 300);
    expect(await checkpointOnSchedule()).toBeNull();
    expect(await checkpointCount()).toBe(before);
    expect(readFileSync(sink, "utf8").trim().split("\n")).toHaveLength(before);
  });

  it("the schedule signs a checkpoint only when the log grew", async () => {
    const before = await checkpointCount();
    expect(await checkpointOnSchedule()).toBeNull(); // nothing written since the last checkpoint
    await seedEvents(4, 400);
    const res = await checkpointOnSchedule();
    expect(res).toMatchObject({ ok: true, scope: "incremental", events: 4 });
    expect(await checkpointCount()).toBe(before + 1);
    expect(await checkpointOnSchedule()).toBeNull();
  });

  it("a rotated key keeps verifying what it signed; new checkpoints use the new key, and both are published", async () => {
    const { previous, current } = rotateSigningKey("checkpoints");
    expect(previous).toBe(outsider.keyId);
    await seedEvents(2, 500);
    const res = await verifyAuditChain();
    expect(res).toMatchObject({ ok: true, checkedAgainst: [expect.objectContaining({ seq: outsider.seq, keyId: previous })] });
    if (res.ok) expect(res.checkpoint!.keyId).toBe(current);
    expect(await checkCheckpoint(outsider)).toMatchObject({ ok: true, checkpoint: { keyId: previous, keyStatus: "retired" } });
    const keys = await call(keysRoute.GET as never, { params: { purpose: "checkpoints" } });
    expect(keys.json.current).toBe(current);
    expect(keys.json.keys.map((k: { kid: string; status: string }) => [k.kid, k.status])).toEqual([
      [current, "current"],
      [previous, "retired"],
    ]);
  });

  it("the API: list checkpoints and check an outsider's copy (signed-in users only)", async () => {
    const viewer = await userWithToken("viewer");
    expect((await call(checkRoute.POST, { body: { checkpoint: outsider } })).status).toBe(401);
    const ok = await call(checkRoute.POST, { token: viewer.token, body: { checkpoint: outsider } });
    expect(ok).toMatchObject({ status: 200, json: { ok: true, checkpoint: { seq: outsider.seq, keyId: outsider.keyId, keyStatus: "current" }, problems: [] } });
    const junk = await call(checkRoute.POST, { token: viewer.token, body: { checkpoint: "nope" } });
    expect(junk).toMatchObject({ status: 400, json: { error: { code: "validation_failed" } } });
    const tampered = await call(checkRoute.POST, { token: viewer.token, body: { checkpoint: { ...outsider, at: new Date().toISOString() } } });
    expect(tampered).toMatchObject({ status: 200, json: { ok: false, problems: [{ kind: "checkpoint_invalid" }] } });

    const list = await call(listRoute.GET, { token: viewer.token, path: "/api/audit/checkpoints?limit=5" });
    expect(list).toMatchObject({ status: 200, json: { checkpoints: [{ checkpoint: outsider, signature: "valid", why: null }], nextBefore: null } });
    expect((await call(listRoute.GET, { token: viewer.token, path: "/api/audit/checkpoints?limit=0" })).status).toBe(400);
  });

  it("`npm run audit:verify -- --checkpoint FILE` fails on a rewrite the database alone no longer shows", { timeout: 60_000 }, async () => {
    const { chain } = await aChainWith(3);
    const kept = path.join(fileDir, "outsider.json");
    writeFileSync(kept, JSON.stringify(outsider, null, 2));
    await alterAndRehash(chain, 1);
    await asSuperuser((c) => c.query(`DELETE FROM audit_checkpoints`));
    const env = { ...process.env };
    delete env.WARDEN_CHECKPOINT_FILE;
    const script = path.resolve(import.meta.dirname, "../../scripts/audit-verify.ts");
    const out = await run(process.execPath, ["--import", "tsx", script, "--checkpoint", kept], { env }).then(
      (r) => ({ code: 0, ...r }),
      (e: { code: number; stdout: string; stderr: string }) => e,
    );
    expect(out.code).toBe(1);
    expect(out.stderr).toMatch(new RegExp(`audit chain BROKEN at chain ${chain} #\\d+ \\(seq \\d+\\): chain ${chain}: event #\\d+ .*rewritten`));
    const missing = await run(process.execPath, ["--import", "tsx", script, "--checkpoint", path.join(fileDir, "none.json")], { env }).catch((e: { code: number; stderr: string }) => e);
    expect(missing).toMatchObject({ code: 2 });
  });
});

describe("checkpoints reach a webhook", () => {
  let receiver: http.Server;
  const received: string[] = [];
  beforeAll(async () => {
    await switchToFreshDatabase();
    ensureSigningKey("checkpoints");
    process.env.WARDEN_WEBHOOK_ALLOWED_HOSTS = "127.0.0.1";
    receiver = http.createServer((req, res) => {
      let body = "";
      req.on("data", (c: Buffer) => (body += c.toString()));
      req.on("end", () => {
        received.push(body);
        res.writeHead(204).end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  });
  afterAll(async () => {
    delete process.env.WARDEN_WEBHOOK_ALLOWED_HOSTS;
    await new Promise((r) => receiver.close(r));
  });

  it("as `audit.checkpoint`, the signed checkpoint exactly as stored", async () => {
    const admin = await userWithToken("admin");
    const url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
    expect((await call(webhooksRoute.POST, { token: admin.token, body: { url, events: ["audit.checkpoint"] } })).status).toBe(201);
    const res = await verifyAuditChain();
    if (!res.ok || !res.checkpoint) throw new Error("expected a signed checkpoint");
    expect(res.sinks).toEqual({ file: "off", webhook: "queued" });
    await deliverDueWebhooks();
    const body = JSON.parse(received.at(-1)!) as { event: string; data: SignedCheckpoint };
    expect(body).toMatchObject({ event: "audit.checkpoint", data: res.checkpoint });
    expect(await checkCheckpoint(body.data)).toMatchObject({ ok: true });
  });
});
