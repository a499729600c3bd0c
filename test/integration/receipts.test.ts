import { execFile } from "node:child_process";
import { createHash, createPrivateKey } from "node:crypto";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeAll, afterAll, describe, expect, it } from "vitest";
import * as approveRoute from "../../app/api/approvals/[actionId]/route.ts";
import * as keysRoute from "../../app/api/keys/[purpose]/route.ts";
import { expireDueActions } from "../../lib/actions/index.ts";
import { pool } from "../../lib/db/index.ts";
import { halt } from "../../lib/killswitch/index.ts";
import { createPolicy, policySpecSchema } from "../../lib/policies/index.ts";
import { rotateSigningKey } from "../../lib/signing/index.ts";
import { verifyReceipt, Warden, WardenUnavailable } from "../../sdk/src/index.ts";
import { call, unique, userWithToken } from "../support/fixtures.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { startWarden } from "../support/warden-http.ts";

let dp: Awaited<ReturnType<typeof startDataPlane>>;
beforeAll(async () => {
  dp = await startDataPlane();
});
afterAll(() => dp.close());
afterEach(() => {
  delete process.env.WARDEN_RECEIPTS;
});

const policy = (spec: Record<string, unknown>) => createPolicy({ spec: policySpecSchema.parse({ name: unique("p"), ...spec }), actor: "system", userId: null });
const vote = (token: string, actionId: string, body: unknown) => call(approveRoute.POST, { token, params: { actionId }, body });
/** What an outsider fetches: `GET /api/keys/receipts`, no credentials. */
const publishedKeys = async () => (await call(keysRoute.GET as never, { path: "/api/keys/receipts", params: { purpose: "receipts" } })).json;
const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
/** The action's row, its receipt column parsed (JSON text). */
async function storedReceipt(id: string) {
  const row = (await pool().query<{ receipt: string | null; created_at: Date; decided_at: Date | null; input: any }>("SELECT receipt, created_at, decided_at, input FROM actions WHERE id = $1", [id])).rows[0]!;
  return { ...row, text: row.receipt, receipt: row.receipt === null ? null : (JSON.parse(row.receipt) as any) };
}

/** An agent in a cohort of its own with: deny below 100, ask a human above 500, else allow. */
async function scenario() {
  const cohort = unique("rcpt");
  const a = await newAgent({ cohort });
  const deny = await policy({ effect: "deny", target: { cohorts: [cohort] }, condition: "has(input.price) && input.price < 100.0", message: "floor" });
  const approval = await policy({ effect: "require_approval", target: { cohorts: [cohort] }, condition: "has(input.price) && input.price > 500.0", approval: { quorum: 1, timeoutSeconds: 3600 } });
  return { cohort, ...a, deny, approval, api: client(dp.base, a.apiKey) };
}

async function expectValid(receipt: unknown) {
  const check = await verifyReceipt(receipt, await publishedKeys());
  expect(check).toMatchObject({ ok: true });
  return check;
}

describe("answers carry signed receipts", () => {
  it("an allowed action's receipt states the request as sent, the decision, the policy versions and the time, and verifies with the published key", async () => {
    const s = await scenario();
    const res = await s.api.ask({ action: "pricing.set_price", resource: "sku:LUX-1", input: { sku: "LUX-1", price: 120.5, tags: ["b", "a"] } });
    expect(res.json).toMatchObject({ decision: "allow", status: "allowed" });
    const { receipt } = res.json;
    expect(Object.keys(receipt).sort()).toEqual(["alg", "kid", "payload", "signature"]);
    expect(receipt).toMatchObject({ alg: "Ed25519", signature: expect.stringMatching(/^[A-Za-z0-9_-]{86}$/) });
    await expectValid(receipt);
    const row = await storedReceipt(res.json.id);
    expect(receipt.payload).toEqual({
      type: "warden.decision.receipt",
      v: 1,
      actionId: res.json.id,
      agentId: s.agent.id,
      action: "pricing.set_price",
      resource: "sku:LUX-1",
      // RFC 8785 by hand: members sorted, no white space, 120.5 as ECMAScript prints it.
      inputHash: sha256('{"price":120.5,"sku":"LUX-1","tags":["b","a"]}'),
      decision: "allow",
      status: "allowed",
      policyVersions: expect.arrayContaining([
        { policyId: s.deny.id, version: 1, matched: false },
        { policyId: s.approval.id, version: 1, matched: false },
      ]),
      knowledge: [],
      approvers: [],
      time: expect.any(String),
    });
    // Decided before the group commit recorded it, within the decision timeout.
    const time = Date.parse(receipt.payload.time);
    expect(time).toBeLessThanOrEqual(row.created_at.getTime());
    expect(row.created_at.getTime() - time).toBeLessThan(3000);
    // Stored as issued (nothing was redacted), so a read answers the very same receipt.
    expect(row.receipt).toEqual(receipt);
    expect((await s.api.get(res.json.id)).json.receipt).toEqual(receipt);
  });

  it("a denied action's receipt says deny; an absent input hashes as {}", async () => {
    const s = await scenario();
    const denied = await s.api.ask({ action: "pricing.set_price", input: { price: 5 } });
    expect((await expectValid(denied.json.receipt)) as any).toMatchObject({ payload: { decision: "deny", status: "denied", resource: "", policyVersions: expect.arrayContaining([{ policyId: s.deny.id, version: 1, matched: true }]) } });
    const bare = await s.api.ask({ action: "pricing.ping" });
    expect(bare.json.receipt.payload).toMatchObject({ decision: "allow", inputHash: sha256("{}") });
  });

  it("a retry with the same idempotency key answers the same receipt, before and after the action is approved", async () => {
    const s = await scenario();
    const body = { action: "pricing.set_price", resource: "sku:LUX-2", input: { price: 900 }, idempotencyKey: unique("k") };
    const first = await s.api.ask(body);
    expect(first.json.status).toBe("pending");
    await expectValid(first.json.receipt);
    expect(first.json.receipt.payload).toMatchObject({ decision: "pending", status: "pending", approvers: [] });
    expect((await s.api.ask(body)).json.receipt).toEqual(first.json.receipt);
    expect((await s.api.get(first.json.id)).json.receipt).toEqual(first.json.receipt);

    const approver = await userWithToken("approver");
    expect((await vote(approver.token, first.json.id, { decision: "approve" })).json.status).toBe("approved");
    const approved = (await s.api.get(first.json.id)).json;
    expect(approved).toMatchObject({ decision: "allow", status: "approved" });
    await expectValid(approved.receipt);
    const row = await storedReceipt(first.json.id);
    expect(approved.receipt.payload).toEqual({
      ...first.json.receipt.payload,
      decision: "allow",
      status: "approved",
      approvers: [{ userId: approver.user.id, email: approver.principal.email }],
      time: row.decided_at!.toISOString(),
    });
    expect((await s.api.ask(body)).json.receipt).toEqual(approved.receipt);
  });

  it("an approval with changes states the approved input's hash: the change the agent acts on is what the receipt covers", async () => {
    const cohort = unique("rcpt");
    const a = await newAgent({ cohort });
    await policy({ effect: "require_approval", target: { cohorts: [cohort] }, condition: "input.price > 500.0", approval: { quorum: 1, timeoutSeconds: 3600, editable: ["input.price"] } });
    const api = client(dp.base, a.apiKey);
    const asked = { action: "pricing.set_price", resource: "sku:LUX-7", input: { sku: "LUX-7", price: 900 } };
    const pending = (await api.ask(asked)).json;
    expect(pending.receipt.payload).not.toHaveProperty("approvedInputHash");
    const approver = await userWithToken("approver");
    expect((await vote(approver.token, pending.id, { decision: "approve", input: { sku: "LUX-7", price: 820 } })).status).toBe(200);
    const approved = (await api.get(pending.id)).json;
    expect(approved).toMatchObject({ decision: "allow", status: "approved", approvedInput: { price: 820 } });
    const check = (await expectValid(approved.receipt)) as any;
    // The request as sent stays stated; the approved change is stated beside it.
    expect(check.payload.inputHash).toBe(sha256(JSON.stringify({ price: 900, sku: "LUX-7" })));
    expect(check.payload.approvedInputHash).toBe(sha256(JSON.stringify({ price: 820, sku: "LUX-7" })));
    // The SDK verifying every answer accepts it (the receipt states the approved input it returns).
    const verifying = new Warden({ url: dp.base, apiKey: a.apiKey, verifyReceipts: { keys: await publishedKeys() } });
    await expect(verifying.getAction(pending.id)).resolves.toMatchObject({ status: "approved", approvedInput: { price: 820 } });
    // Tampering with it breaks the signature.
    const forged = { ...approved.receipt, payload: { ...approved.receipt.payload, approvedInputHash: sha256(JSON.stringify({ price: 1, sku: "LUX-7" })) } };
    expect(await verifyReceipt(forged, await publishedKeys())).toMatchObject({ ok: false, reason: "bad_signature" });
    // An approval without changes states none.
    const plain = (await api.ask({ ...asked, input: { sku: "LUX-7", price: 901 } })).json;
    await vote(approver.token, plain.id, { decision: "approve" });
    expect((await api.get(plain.id)).json.receipt.payload).not.toHaveProperty("approvedInputHash");
  });

  it("lists every approver of a quorum in voting order; a rejection's receipt has none", async () => {
    const cohort = unique("rcpt");
    const a = await newAgent({ cohort });
    await policy({ effect: "require_approval", target: { cohorts: [cohort] }, condition: "true", approval: { quorum: 2, timeoutSeconds: 3600 } });
    const api = client(dp.base, a.apiKey);
    const [first, second] = [await userWithToken("approver"), await userWithToken("admin")];
    const quorum = (await api.ask({ action: "orders.refund", input: { amount: 1 } })).json.id as string;
    await vote(first.token, quorum, { decision: "approve" });
    expect((await api.get(quorum)).json.receipt.payload).toMatchObject({ status: "pending", approvers: [] });
    await vote(second.token, quorum, { decision: "approve" });
    const approved = (await api.get(quorum)).json.receipt;
    await expectValid(approved);
    expect(approved.payload.approvers).toEqual([
      { userId: first.user.id, email: first.principal.email },
      { userId: second.user.id, email: second.principal.email },
    ]);

    const rejectedId = (await api.ask({ action: "orders.refund", input: { amount: 2 } })).json.id as string;
    await vote(first.token, rejectedId, { decision: "approve" });
    await vote(second.token, rejectedId, { decision: "reject", comment: "no" });
    const rejected = (await api.get(rejectedId)).json;
    expect(rejected.status).toBe("rejected");
    expect((await expectValid(rejected.receipt)) as any).toMatchObject({ payload: { decision: "deny", status: "rejected", approvers: [] } });
  });

  it("an action past its deadline is answered expired with an expired receipt dated at the deadline — the one the expiry job then stores", async () => {
    const s = await scenario();
    const id = (await s.api.ask({ action: "pricing.set_price", input: { price: 800 } })).json.id as string;
    const { rows } = await pool().query<{ expires_at: Date }>("UPDATE actions SET expires_at = date_trunc('milliseconds', now()) - interval '1 second' WHERE id = $1 RETURNING expires_at", [id]);
    const beforeJob = (await s.api.get(id)).json;
    expect(beforeJob.status).toBe("expired");
    await expectValid(beforeJob.receipt);
    expect(beforeJob.receipt.payload).toMatchObject({ decision: "deny", status: "expired", approvers: [], time: rows[0]!.expires_at.toISOString() });
    expect(await expireDueActions([id])).toBe(1);
    expect((await storedReceipt(id)).receipt).toEqual(beforeJob.receipt);
    expect((await s.api.get(id)).json.receipt).toEqual(beforeJob.receipt);
  });

  it("a decision the halt re-check denies inside the group commit carries a denied receipt", async () => {
    const s = await scenario();
    await halt({ scope: { kind: "agent", agentId: s.agent.id }, reason: "runaway", actor: "user:test" });
    const res = await s.api.ask({ action: "pricing.set_price", input: { price: 150 } });
    expect(res.json).toMatchObject({ decision: "deny", status: "denied", reasons: [{ code: "agent_halted" }] });
    expect((await expectValid(res.json.receipt)) as any).toMatchObject({ payload: { decision: "deny", status: "denied" } });
    expect((await storedReceipt(res.json.id)).receipt).toEqual(res.json.receipt);
  });

  it("a halt that rejects a pending action gives it a rejected receipt", async () => {
    const s = await scenario();
    const id = (await s.api.ask({ action: "pricing.set_price", input: { price: 700 } })).json.id as string;
    await halt({ scope: { kind: "cohort", name: s.cohort }, reason: "incident", actor: "user:test" });
    const answer = (await s.api.get(id)).json;
    expect(answer.status).toBe("rejected");
    expect((await expectValid(answer.receipt)) as any).toMatchObject({ payload: { status: "rejected", decision: "deny" } });
  });
});

describe("PII and the stored receipt", () => {
  it("hashes the raw input the agent sent, and keeps the receipt sealed when redaction changed the request", async () => {
    const s = await scenario();
    const input = { customer: "jane.doe@example.com", price: 150 };
    const res = await s.api.ask({ action: "orders.note", resource: "customer:jane.doe@example.com", input });
    expect(res.json.status).toBe("allowed");
    await expectValid(res.json.receipt);
    expect(res.json.receipt.payload).toMatchObject({ resource: "customer:jane.doe@example.com", inputHash: sha256('{"customer":"jane.doe@example.com","price":150}') });
    const row = await storedReceipt(res.json.id);
    expect(JSON.stringify(row.input)).not.toContain("jane.doe");
    // Neither the raw values nor the guessable hash or signature are readable in the database.
    expect(Object.keys(row.receipt)).toEqual(["sealed"]);
    for (const secret of ["jane.doe", res.json.receipt.payload.inputHash, res.json.receipt.signature]) expect(row.text).not.toContain(secret);
    expect((await s.api.get(res.json.id)).json.receipt).toEqual(res.json.receipt);
  });

  it("a sealed pending receipt stays sealed when approved", async () => {
    const s = await scenario();
    const res = await s.api.ask({ action: "orders.refund", input: { email: "bob@example.org", price: 990 } });
    expect(res.json.status).toBe("pending");
    await vote((await userWithToken("approver")).token, res.json.id, { decision: "approve" });
    const approved = (await s.api.get(res.json.id)).json.receipt;
    expect((await expectValid(approved)) as any).toMatchObject({ payload: { status: "approved", inputHash: res.json.receipt.payload.inputHash } });
    expect(Object.keys((await storedReceipt(res.json.id)).receipt)).toEqual(["sealed"]);
  });
});

describe("a database writer can't obtain or alter receipts", () => {
  it("an altered stored receipt is never signed again: the approval is recorded, its answer carries no receipt", async () => {
    const s = await scenario();
    const res = await s.api.ask({ action: "pricing.set_price", input: { price: 999 } });
    // Someone with write access to the database changes what the pending receipt states.
    await pool().query(`UPDATE actions SET receipt = jsonb_set(receipt::jsonb, '{payload,inputHash}', to_jsonb($2::text))::text WHERE id = $1`, [res.json.id, sha256('{"price":1}')]);
    await vote((await userWithToken("approver")).token, res.json.id, { decision: "approve" });
    const answer = (await s.api.get(res.json.id)).json;
    expect(answer.status).toBe("approved");
    expect(answer.receipt).toBeUndefined();
    expect((await storedReceipt(res.json.id)).receipt).toBeNull();
  });

  it("a stored receipt that doesn't state the answer's action or status is not answered", async () => {
    const s = await scenario();
    const denied = await s.api.ask({ action: "pricing.set_price", input: { price: 1 } });
    const allowed = await s.api.ask({ action: "pricing.set_price", input: { price: 200 } });
    // The denial flipped to allowed in the database: its receipt still says denied.
    await pool().query(`UPDATE actions SET status = 'ALLOWED' WHERE id = $1`, [denied.json.id]);
    const flipped = (await s.api.get(denied.json.id)).json;
    expect(flipped).toMatchObject({ decision: "allow" });
    expect(flipped.receipt).toBeUndefined();
    // Another action's (valid) receipt copied onto it.
    await pool().query(`UPDATE actions SET receipt = (SELECT receipt FROM actions WHERE id = $2) WHERE id = $1`, [denied.json.id, allowed.json.id]);
    expect((await s.api.get(denied.json.id)).json.receipt).toBeUndefined();
  });
});

describe("GET /api/keys/receipts", () => {
  it("answers the contract shape without authentication", async () => {
    const doc = await publishedKeys();
    expect(Object.keys(doc)).toEqual(["keys"]);
    expect(doc.keys.length).toBeGreaterThanOrEqual(1);
    const [current] = doc.keys;
    expect(Object.keys(current).sort()).toEqual(["alg", "kid", "publicKey", "status", "validFrom", "validUntil"]);
    expect(current).toMatchObject({ alg: "Ed25519", status: "current", validUntil: null, kid: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(Buffer.from(current.publicKey, "base64url")).toHaveLength(32);
    expect(Number.isNaN(Date.parse(current.validFrom))).toBe(false);
  });
});

describe("the signing key", () => {
  it("lives in the data directory (mode 600), and no table of the database holds it in any encoding", async () => {
    const s = await scenario();
    const answer = (await s.api.ask({ action: "pricing.set_price", input: { price: 600 } })).json;
    const user = await userWithToken("approver");
    expect((await vote(user.token, answer.id, { decision: "approve" })).json.status).toBe("approved");
    const file = path.join(process.env.WARDEN_DATA_DIR!, "keys", "receipts.json");
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const der = (JSON.parse(readFileSync(file, "utf8")) as { current: { privateKey: string } }).current.privateKey;
    const seed = Buffer.from(createPrivateKey({ key: Buffer.from(der, "base64"), format: "der", type: "pkcs8" }).export({ format: "jwk" }).d!, "base64url");
    expect(seed).toHaveLength(32);
    const forms = [der, seed.toString("base64url"), seed.toString("base64").replace(/=+$/, ""), seed.toString("hex")];
    const { rows: tables } = await pool().query<{ name: string }>(`SELECT quote_ident(table_name) AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE'`);
    expect(tables.map((t) => t.name)).toEqual(expect.arrayContaining(["actions", "audit_events", "settings"]));
    const holding = async (values: string[]) => {
      const found: string[] = [];
      for (const { name } of tables) {
        const { rows } = await pool().query<{ n: number }>(`SELECT count(*)::int AS n FROM ${name} t WHERE strpos(t::text, $1) > 0 OR strpos(t::text, $2) > 0 OR strpos(t::text, $3) > 0 OR strpos(t::text, $4) > 0`, values);
        if (rows[0]!.n > 0) found.push(name);
      }
      return found;
    };
    expect(await holding(forms)).toEqual([]);
    // The same scan finds what the database does hold: the action id (its row, its audit events).
    expect(await holding([answer.id, answer.id, answer.id, answer.id])).toEqual(expect.arrayContaining(["actions", "audit_events"]));
  });
});

describe("rotation", () => {
  it("a new key signs from the next decision; the old one stays published with its validUntil, so earlier receipts still verify and are still answered", async () => {
    const s = await scenario();
    const before = await s.api.ask({ action: "pricing.set_price", input: { price: 150 } });
    const pending = await s.api.ask({ action: "pricing.set_price", input: { price: 600 } });
    const { previous, current } = rotateSigningKey("receipts");
    expect(previous).toBe(before.json.receipt.kid);
    const after = await s.api.ask({ action: "pricing.set_price", input: { price: 160 } });
    expect(after.json.receipt.kid).toBe(current);
    const doc = await publishedKeys();
    expect(doc.keys[0]).toMatchObject({ kid: current, status: "current", validUntil: null });
    const old = doc.keys.find((k: { kid: string }) => k.kid === previous);
    expect(old).toMatchObject({ status: "retired", validUntil: expect.any(String) });
    expect(await verifyReceipt(before.json.receipt, doc)).toMatchObject({ ok: true, keyStatus: "retired" });
    expect(await verifyReceipt(after.json.receipt, doc)).toMatchObject({ ok: true, keyStatus: "current" });
    // Reads answer the receipt as issued, under the key that signed it.
    expect((await s.api.get(before.json.id)).json.receipt).toEqual(before.json.receipt);
    // A settlement after the rotation is signed with the new key, from the old verified receipt.
    await vote((await userWithToken("approver")).token, pending.json.id, { decision: "approve" });
    const approved = (await s.api.get(pending.json.id)).json.receipt;
    expect(approved.kid).toBe(current);
    expect(await verifyReceipt(approved, doc)).toMatchObject({ ok: true, keyStatus: "current" });
  });
});

describe("WARDEN_RECEIPTS=off", () => {
  it("answers and stores no receipt (what bench:decisions compares against)", async () => {
    const s = await scenario();
    process.env.WARDEN_RECEIPTS = "off";
    const res = await s.api.ask({ action: "pricing.set_price", input: { price: 150 } });
    expect(res.json.status).toBe("allowed");
    expect(res.json).not.toHaveProperty("receipt");
    expect((await storedReceipt(res.json.id)).receipt).toBeNull();
    delete process.env.WARDEN_RECEIPTS;
    expect((await s.api.get(res.json.id)).json).not.toHaveProperty("receipt");
  });
});

describe("the SDK verifies every answer (verifyReceipts)", () => {
  let w: Awaited<ReturnType<typeof startWarden>>;
  beforeAll(async () => {
    w = await startWarden();
  });
  afterAll(() => w.close());

  it("runs an allowed action whose receipt verifies with the keys it fetched once", async () => {
    const s = await scenario();
    const warden = new Warden({ url: w.base, apiKey: s.apiKey, verifyReceipts: true, timeoutMs: 5000 });
    const before = w.keyFetches();
    const out = await warden.guard({ action: "pricing.set_price", resource: "sku:LUX-9", input: { price: 150 } }, () => "done");
    expect(out.value).toBe("done");
    expect(out.action.receipt?.payload).toMatchObject({ actionId: out.action.id, status: "allowed", resource: "sku:LUX-9" });
    await warden.ask({ action: "pricing.set_price", input: { price: 151 } });
    expect(w.keyFetches() - before).toBe(1);
  });

  it("refuses to act on an answer with no receipt, an altered one, or one about another request", async () => {
    const s = await scenario();
    const refusals: unknown[] = [];
    let ran = 0;
    const tryGuard = async (warden: Warden) => refusals.push(await warden.guard({ action: "pricing.set_price", input: { price: 150 } }, () => ran++).catch((e: unknown) => e));
    // Receipts off on the server: the answer carries none.
    process.env.WARDEN_RECEIPTS = "off";
    await tryGuard(new Warden({ url: w.base, apiKey: s.apiKey, verifyReceipts: true }));
    delete process.env.WARDEN_RECEIPTS;
    // A proxy between the agent and Warden rewrites what the receipt states, or what was asked.
    const rewriting = (edit: (answer: any) => void): typeof fetch => async (input, init) => {
      const res = await fetch(input, init);
      if (!String(input).includes("/v1/actions")) return res;
      const body = (await res.json()) as any;
      edit(body);
      return new Response(JSON.stringify(body), { status: res.status, headers: res.headers });
    };
    await tryGuard(new Warden({ url: w.base, apiKey: s.apiKey, verifyReceipts: true, fetch: rewriting((a) => (a.receipt.payload.resource = "sku:other")) }));
    await tryGuard(new Warden({ url: w.base, apiKey: s.apiKey, verifyReceipts: true, fetch: rewriting((a) => (a.id = "act_someone_else")) }));
    const other = (await s.api.ask({ action: "pricing.set_price", input: { price: 5 } })).json;
    await tryGuard(new Warden({ url: w.base, apiKey: s.apiKey, verifyReceipts: true, fetch: rewriting((a) => (a.receipt = other.receipt)) }));
    // Keys pinned in configuration that are not Warden's.
    const foreign = { keys: [{ kid: "x".repeat(43), alg: "Ed25519" as const, publicKey: Buffer.alloc(32, 7).toString("base64url"), validFrom: null, validUntil: null }] };
    await tryGuard(new Warden({ url: w.base, apiKey: s.apiKey, verifyReceipts: { keys: foreign } }));
    expect(ran).toBe(0);
    expect(refusals.map((e) => e instanceof WardenUnavailable && e.code)).toEqual(Array(5).fill("invalid_receipt"));
    expect(refusals.map((e) => (e as Error).message)).toEqual([
      expect.stringMatching(/carries none/),
      expect.stringMatching(/bad_signature/),
      expect.stringMatching(/states action id act_/),
      expect.stringMatching(/states action id .*deny\/denied.*another input/),
      expect.stringMatching(/unknown_key/),
    ]);
  });

  it("after a rotation, fetches the keys again for the new key id and goes on", async () => {
    const s = await scenario();
    const warden = new Warden({ url: w.base, apiKey: s.apiKey, verifyReceipts: true });
    await warden.ask({ action: "pricing.set_price", input: { price: 150 } });
    const fetched = w.keyFetches();
    const { current } = rotateSigningKey("receipts");
    const answer = await warden.ask({ action: "pricing.set_price", input: { price: 152 } });
    expect(answer.receipt?.kid).toBe(current);
    expect(w.keyFetches()).toBe(fetched + 1);
  });

  it("pinned keys verify a pending action's receipt, and its approved one while guard waits", async () => {
    const s = await scenario();
    const keys = await publishedKeys();
    const warden = new Warden({ url: w.base, apiKey: s.apiKey, verifyReceipts: { keys }, waitSeconds: 2 });
    const before = w.keyFetches();
    const approver = await userWithToken("approver");
    const guarded = warden.guard({ action: "pricing.set_price", input: { price: 700 } }, () => "applied", {
      wait: 0,
      onPending: (a) => void vote(approver.token, a.id, { decision: "approve" }),
    });
    const out = await guarded;
    expect(out.value).toBe("applied");
    expect(out.action.receipt?.payload).toMatchObject({ status: "approved", approvers: [{ userId: approver.user.id }] });
    expect(w.keyFetches()).toBe(before);
  });
});

describe("npm run receipt:verify", () => {
  const script = path.resolve(import.meta.dirname, "../../scripts/receipt-verify.ts");
  const verify = (...args: string[]) =>
    promisify(execFile)(process.execPath, ["--import", "tsx", script, ...args], { env: { ...process.env, WARDEN_DATA_DIR: "/nonexistent" } }).then(
      (r) => ({ code: 0, out: r.stdout }),
      (e: { code: number; stdout: string; stderr: string }) => ({ code: e.code, out: e.stdout + e.stderr }),
    );

  it("exits 0 for a saved answer or receipt that verifies, 1 with the reason when it doesn't, with keys from a file or a URL", async () => {
    const s = await scenario();
    const input = { sku: "LUX-7", price: 150 };
    const answer = (await s.api.ask({ action: "pricing.set_price", resource: "sku:LUX-7", input })).json;
    const dir = mkdtempSync(path.join(os.tmpdir(), "warden-receipt-verify-"));
    const save = (name: string, v: unknown) => {
      const f = path.join(dir, name);
      writeFileSync(f, JSON.stringify(v));
      return f;
    };
    const keys = save("keys.json", await publishedKeys());
    const answerFile = save("answer.json", answer);
    const ok = await verify(answerFile, "--keys", keys, "--input", save("input.json", input));
    expect(ok).toMatchObject({ code: 0, out: expect.stringContaining(`valid: ${answer.id} — pricing.set_price on sku:LUX-7 by ${s.agent.id}: allow (allowed)`) });
    expect(await verify(save("receipt.json", answer.receipt), "--keys", keys)).toMatchObject({ code: 0 });

    const w = await startWarden();
    try {
      expect(await verify(answerFile, "--keys", `${w.base}/api/keys/receipts`)).toMatchObject({ code: 0 });
      expect(await verify(answerFile, "--keys", w.base)).toMatchObject({ code: 0 });
    } finally {
      await w.close();
    }

    const cases: [unknown, string[], RegExp][] = [
      [{ ...answer, receipt: { ...answer.receipt, payload: { ...answer.receipt.payload, resource: "sku:LUX-8" } } }, [], /^invalid: bad_signature — /],
      [{ ...answer, status: "approved" }, [], /^invalid: mismatch — the answer says allow\/approved, the receipt allow\/allowed/],
      [{ ...answer, receipt: undefined }, [], /^invalid: missing — /],
      [answer, ["--input", save("other-input.json", { ...input, price: 15 })], /^invalid: input_mismatch — /],
      [answer.receipt, [], /^invalid: bad_signature|^invalid: unknown_key/],
    ];
    const otherKeys = save("other-keys.json", { keys: [{ kid: answer.receipt.kid, alg: "Ed25519", publicKey: Buffer.alloc(32, 9).toString("base64url"), validFrom: null, validUntil: null }] });
    for (const [i, [doc, extra, want]] of cases.entries()) {
      const r = await verify(save(`case-${i}.json`, doc), "--keys", i === 4 ? otherKeys : keys, ...extra);
      expect(r.code).toBe(1);
      expect(r.out).toMatch(want);
    }
    expect((await verify(answerFile)).code).toBe(2);
    expect((await verify(path.join(dir, "none.json"), "--keys", keys)).code).toBe(2);
  });
});
