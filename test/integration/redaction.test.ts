import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PUT as putRules } from "../../app/api/settings/redaction/route.ts";
import { POST as preview } from "../../app/api/settings/redaction/preview/route.ts";
import { listAuditEvents } from "../../lib/audit/index.ts";
import { pool } from "../../lib/db/index.ts";
import { getAction, listActions } from "../../lib/decisions/index.ts";
import { createPolicy, policySpecSchema } from "../../lib/policies/index.ts";
import { redactionKey } from "../../lib/redaction/index.ts";
import { redactionMarker } from "../../lib/redaction/index.ts";
import { createWebhook } from "../../lib/webhooks/index.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { switchToFreshDatabase } from "../support/db.ts";
import { call, unique, userWithToken } from "../support/fixtures.ts";

// Each kind of PII, as an agent would send it.
const RAW = {
  email: "Jane.Doe@Example.com",
  phone: "+33 6 12 34 56 78",
  card: "4111 1111 1111 1111",
  iban: "GB82 WEST 1234 5698 7654 32",
  address: "12 rue du Faubourg Saint-Honoré, 75008 Paris",
  contextEmail: "concierge.desk@maison.example",
  outputPhone: "+44 20 7946 0958",
  errorEmail: "billing-team@bank.example",
};
const rawValues = Object.values(RAW);
// Formatting variants the storage must not hold either.
const rawDigits = ["4111111111111111", "+33612345678", "GB82WEST12345698765432", "+442079460958"];

/** Every row of every table in the database, as text. */
async function wholeDatabaseText(): Promise<string> {
  const { rows: tables } = await pool().query<{ t: string }>(`SELECT quote_ident(tablename) AS t FROM pg_tables WHERE schemaname = 'public'`);
  let all = "";
  for (const { t } of tables) {
    const { rows } = await pool().query<{ row: string }>(`SELECT x::text AS row FROM ${t} x`);
    all += rows.map((r) => r.row).join("\n");
  }
  return all;
}

describe("PII redaction before storage", () => {
  let dp: Awaited<ReturnType<typeof startDataPlane>>;
  let admin: Awaited<ReturnType<typeof userWithToken>>;

  beforeAll(async () => {
    await switchToFreshDatabase();
    dp = await startDataPlane();
    admin = await userWithToken("admin");
    const saved = await call(putRules, { method: "PUT", token: admin.token, body: { email: true, phone: true, card: true, iban: true, fields: ["input.customer.address"] } });
    expect(saved.status).toBe(200);
  });
  afterAll(async () => {
    await dp.close();
  });

  it("stores markers for e-mails, phones, cards, IBANs and admin-named fields; policies saw the raw values; nothing raw reaches the database", async () => {
    const { agent, apiKey } = await newAgent();
    // The policy needs the raw e-mail's domain: it only fires if evaluation saw the unredacted input.
    await createPolicy({
      spec: policySpecSchema.parse({ name: unique("vip"), effect: "allow", target: { agents: [agent.name] }, condition: `input.customer.email.endsWith("@Example.com")`, message: "known customer domain" }),
      actor: "system",
      userId: null,
    });
    const c = client(dp.base, apiKey);
    const asked = await c.ask({
      action: "orders.refund",
      resource: `customer:${RAW.email}`,
      input: {
        customer: { email: RAW.email, phone: RAW.phone, address: RAW.address },
        payment: { card: RAW.card, iban: RAW.iban },
        note: `Call ${RAW.phone} or write to ${RAW.email}`,
        amount: 120,
      },
      context: { escalatedBy: RAW.contextEmail },
    });
    expect(asked.status).toBe(200);
    expect(asked.json).toMatchObject({ decision: "allow", reasons: [expect.objectContaining({ message: "known customer domain" })] });
    const id = asked.json.id as string;
    const reported = await c.result(id, { status: "failed", output: { callback: RAW.outputPhone }, error: `card declined, told ${RAW.errorEmail}` });
    expect(reported.status).toBe(200);

    const key = redactionKey();
    const m = (kind: Parameters<typeof redactionMarker>[0], raw: unknown) => redactionMarker(kind, raw, key);
    const stored = await getAction(id);
    expect(stored.input).toEqual({
      customer: { email: m("email", RAW.email), phone: m("phone", RAW.phone), address: m("field", RAW.address) },
      payment: { card: m("card", RAW.card), iban: m("iban", RAW.iban) },
      note: `Call ${m("phone", RAW.phone)} or write to ${m("email", RAW.email)}`,
      amount: 120,
    });
    expect(stored.context).toEqual({ escalatedBy: m("email", RAW.contextEmail) });
    expect(stored.resource).toBe(`customer:${m("email", RAW.email)}`);
    expect(stored.result).toMatchObject({ status: "failed", output: { callback: m("phone", RAW.outputPhone) }, error: `card declined, told ${m("email", RAW.errorEmail)}` });

    // The markers are indexed for equality search (actions.pii_markers).
    const { rows: indexed } = await pool().query<{ pii_markers: string[] }>(`SELECT pii_markers FROM actions WHERE id = $1`, [id]);
    expect(indexed[0]!.pii_markers).toEqual(
      expect.arrayContaining([m("email", RAW.email), m("phone", RAW.phone), m("field", RAW.address), m("card", RAW.card), m("iban", RAW.iban), m("email", RAW.contextEmail), m("phone", RAW.outputPhone), m("email", RAW.errorEmail)]),
    );

    // The audit trail says what was redacted, by kind and path, never the value.
    const decided = (await listAuditEvents({ subject: `action:${id}`, kind: "action.decided", limit: 1 })).events[0];
    expect((decided?.data as { redactions: { kind: string; path: string }[] }).redactions).toEqual(
      expect.arrayContaining([
        { kind: "email", path: "input.customer.email" },
        { kind: "field", path: "input.customer.address" },
        { kind: "card", path: "input.payment.card" },
        { kind: "iban", path: "input.payment.iban" },
        { kind: "email", path: "context.escalatedBy" },
        { kind: "email", path: "resource" },
      ]),
    );

    const everything = await wholeDatabaseText();
    expect(everything).toContain(m("email", RAW.email)); // the dump really holds the action
    for (const raw of [...rawValues, ...rawDigits, RAW.email.toLowerCase()]) expect(everything).not.toContain(raw);

    // Equality search by the raw value, in any formatting, without Warden storing it.
    for (const v of [RAW.email, "jane.doe@example.com", "+33612345678", "4111-1111-1111-1111", RAW.address, RAW.outputPhone]) {
      const found = await listActions({ agent: agent.id, value: v, limit: 10 });
      expect(found.actions.map((a) => a.id)).toEqual([id]);
    }
    expect((await listActions({ agent: agent.id, value: "someone.else@example.com", limit: 10 })).actions).toEqual([]);
  });

  it("keeps PII out of policy errors, object keys, idempotency keys, pending actions and webhook payloads", async () => {
    const { agent, apiKey } = await newAgent();
    const secret = { card: "5500 0000 0000 0004", key: "vip.client@maison.example", idem: "retry-for-buyer.one@example.com", note: "+44 7700 900123" };
    // A condition that chokes on the value: CEL's error quotes it.
    await createPolicy({
      spec: policySpecSchema.parse({ name: unique("cardcheck"), effect: "deny", target: { agents: [agent.name], actions: ["payments.*"] }, condition: `duration(input.card) > duration("1s")` }),
      actor: "system",
      userId: null,
    });
    await createPolicy({
      spec: policySpecSchema.parse({ name: unique("hold"), effect: "require_approval", target: { agents: [agent.name], actions: ["orders.hold"] }, condition: "true", message: "holds need a human" }),
      actor: "system",
      userId: null,
    });
    // A receiver on this machine must be allow-listed (webhooks refuse loopback by default).
    process.env.WARDEN_WEBHOOK_ALLOWED_HOSTS = "127.0.0.1";
    try {
      await createWebhook({ input: { url: "http://127.0.0.1:9/hook", events: ["approval.requested"] }, actor: "system", userId: admin.user.id });
    } finally {
      delete process.env.WARDEN_WEBHOOK_ALLOWED_HOSTS;
    }
    const c = client(dp.base, apiKey);

    const denied = await c.ask({ action: "payments.capture", input: { card: secret.card.replace(/ /g, "") } });
    expect(denied.json).toMatchObject({ decision: "deny" });
    const held = await c.ask({ action: "orders.hold", resource: `customer:${secret.key}`, idempotencyKey: secret.idem, input: { [secret.key]: { note: `call ${secret.note}` } } });
    expect(held.json).toMatchObject({ status: "pending" });
    // The same request again finds the same action through the redacted key.
    const retried = await c.ask({ action: "orders.hold", resource: `customer:${secret.key}`, idempotencyKey: secret.idem, input: { [secret.key]: { note: `call ${secret.note}` } } });
    expect(retried.json.id).toBe(held.json.id);

    // The webhook's delivery of the pending action is in the dump below.
    const deliveries = await pool().query<{ n: number }>(`SELECT count(*)::int AS n FROM webhook_deliveries WHERE event = 'approval.requested' AND payload::text LIKE '%' || $1 || '%'`, [held.json.id]);
    expect(deliveries.rows[0]!.n).toBe(1);
    const everything = await wholeDatabaseText();
    for (const raw of [...Object.values(secret), secret.card.replace(/ /g, ""), "+447700900123", "4111111111111111"]) {
      const at = everything.indexOf(raw);
      expect(at === -1 ? "" : everything.slice(Math.max(0, at - 300), at + 100)).toBe("");
    }
    const stored = await getAction(held.json.id as string);
    expect(Object.keys(stored.input as object)).toEqual([redactionMarker("email", secret.key, redactionKey())]);
    expect(stored.idempotencyKey).toBe(redactionMarker("email", secret.idem, redactionKey()));
  });

  it("refuses with 413 pii_scan_too_costly, storing nothing, a body too costly to check for PII; a legitimate list of numbers goes through", async () => {
    const { agent, apiKey } = await newAgent();
    const c = client(dp.base, apiKey);
    // 78 KiB as the #10 review sent it: digit groups that each might start a phone number.
    const pad = (n: number) => String(n).padStart(6, "0");
    const run = (n: number) => Array.from({ length: n }, (_, i) => `0612${pad(i)}`).join(" ");
    const hostile = await c.ask({ action: "crm.import", input: { notes: run(5600) }, context: { extra: run(1300) } });
    expect(hostile.status).toBe(413);
    expect(hostile.json.error).toMatchObject({ code: "pii_scan_too_costly", details: { limit: expect.any(Number) } });
    const { rows } = await pool().query<{ n: number }>(`SELECT count(*)::int AS n FROM actions WHERE agent_id = $1`, [agent.id]);
    expect(rows[0]!.n).toBe(0);
    expect(await wholeDatabaseText()).not.toContain("0612000123");

    // 500 numbers in a list fit the budget: every one stored as a marker.
    const listed = Array.from({ length: 500 }, (_, i) => `0698${pad(i)}`);
    const ok = await c.ask({ action: "crm.import", input: { contacts: listed.join(", ") } });
    expect(ok.status).toBe(200);
    const stored = await getAction(ok.json.id as string);
    const contacts = (stored.input as { contacts: string }).contacts;
    expect(contacts.match(/\[redacted:phone:[0-9a-f]{16}\]/g)).toHaveLength(500);
    expect(contacts).not.toMatch(/0698\d{6}/);

    // A result too costly to check is refused the same way and the action keeps no result.
    const result = await c.result(ok.json.id as string, { status: "succeeded", output: { log: run(5600) } });
    expect(result.status).toBe(413);
    expect(result.json.error.code).toBe("pii_scan_too_costly");
    expect((await getAction(ok.json.id as string)).result).toBeNull();
  });

  it("applies the admin's rules from the next write on, audits the change, and refuses bad rules and non-admins", async () => {
    const operator = await userWithToken("operator");
    expect((await call(putRules, { method: "PUT", token: operator.token, body: { email: false, phone: true, card: true, iban: true, fields: [] } })).status).toBe(403);
    const bad = await call(putRules, { method: "PUT", token: admin.token, body: { email: true, phone: true, card: true, iban: true, fields: ["secrets.password"] } });
    expect(bad.status).toBe(400);

    const off = await call(putRules, { method: "PUT", token: admin.token, body: { email: true, phone: false, card: true, iban: true, fields: ["input.giftMessage"] } });
    expect(off.status).toBe(200);
    const change = (await listAuditEvents({ kind: "settings.updated", limit: 1 })).events[0];
    expect(change).toMatchObject({ actor: `user:${admin.user.id}`, data: { key: "redaction", before: { phone: true, fields: ["input.customer.address"] }, after: { phone: false, fields: ["input.giftMessage"] } } });

    const { apiKey } = await newAgent();
    const asked = await client(dp.base, apiKey).ask({ action: "stylist.recommend", input: { phone: "+33 6 98 76 54 32", giftMessage: { text: "Happy birthday" }, customer: { address: "kept now" } } });
    expect(asked.status).toBe(200);
    const stored = await getAction(asked.json.id as string);
    expect(stored.input).toEqual({ phone: "+33 6 98 76 54 32", giftMessage: redactionMarker("field", { text: "Happy birthday" }, redactionKey()), customer: { address: "kept now" } });
  });

  it("previews draft rules on a sample without storing anything", async () => {
    const before = Number((await pool().query<{ n: string }>(`SELECT count(*) AS n FROM audit_events`)).rows[0]!.n);
    const res = await call(preview, {
      token: admin.token,
      body: { rules: { email: true, phone: false, card: false, iban: false, fields: ["context.ticket.*.author"] }, sample: { input: { to: RAW.email }, context: { ticket: [{ author: "Ann" }] }, error: `mail ${RAW.email}` } },
    });
    expect(res.status).toBe(200);
    const key = redactionKey();
    expect(res.json).toEqual({
      input: { to: redactionMarker("email", RAW.email, key) },
      context: { ticket: [{ author: redactionMarker("field", "Ann", key) }] },
      output: null,
      error: `mail ${redactionMarker("email", RAW.email, key)}`,
      redactions: [
        { kind: "email", path: "input.to" },
        { kind: "field", path: "context.ticket[0].author" },
        { kind: "email", path: "error" },
      ],
    });
    expect(Number((await pool().query<{ n: string }>(`SELECT count(*) AS n FROM audit_events`)).rows[0]!.n)).toBe(before);
    // Admins only, and a bad draft is a 400.
    const operator = await userWithToken("operator");
    expect((await call(preview, { token: operator.token, body: { rules: { email: true, phone: true, card: true, iban: true, fields: [] }, sample: {} } })).status).toBe(403);
    expect((await call(preview, { token: admin.token, body: { rules: { email: true, phone: true, card: true, iban: true, fields: ["nowhere.x"] }, sample: {} } })).status).toBe(400);
    expect((await call(preview, { token: admin.token, body: { rules: { email: "yes" }, sample: { input: [] } } })).status).toBe(400);
  });
});
