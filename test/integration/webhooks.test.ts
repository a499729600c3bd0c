import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as webhooksRoute from "../../app/api/webhooks/route.ts";
import { pool } from "../../lib/db/index.ts";
import { halt } from "../../lib/killswitch/index.ts";
import { createPolicy, policySpecSchema } from "../../lib/policies/index.ts";
import { createWebhook, deliverDueWebhooks, MAX_ATTEMPTS, type Resolver } from "../../lib/webhooks/index.ts";
import { call, unique, userWithToken } from "../support/fixtures.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";

type Received = { headers: http.IncomingHttpHeaders; body: string };
let receiver: http.Server;
let received: Received[] = [];
let failNext = 0;
let receiverUrl = "";
let dp: Awaited<ReturnType<typeof startDataPlane>>;

// The receiver listens on 127.0.0.1, which webhooks may only reach when allow-listed.
const ALLOW = "WARDEN_WEBHOOK_ALLOWED_HOSTS";
const allowOnly = (value: string | undefined) => {
  if (value === undefined) delete process.env[ALLOW];
  else process.env[ALLOW] = value;
};

beforeAll(async () => {
  allowOnly("127.0.0.1");
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      if (failNext > 0) {
        failNext--;
        res.writeHead(500).end("down");
      } else res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hooks`;
  dp = await startDataPlane();
});
afterAll(async () => {
  allowOnly(undefined);
  await dp.close();
  await new Promise((r) => receiver.close(r));
});

async function webhook(events: string[]) {
  const admin = await userWithToken("admin");
  const res = await call(webhooksRoute.POST, { token: admin.token, body: { url: receiverUrl, events } });
  expect(res.status).toBe(201);
  expect(res.json.secret).toMatch(/^whsec_/);
  return { id: res.json.webhook.id as string, secret: res.json.secret as string, admin };
}

describe("webhooks", () => {
  it("deliver approval.requested signed with HMAC-SHA256 over timestamp and body", async () => {
    received = [];
    const hook = await webhook(["approval.requested"]);
    const cohort = unique("wh");
    const a = await newAgent({ cohort });
    await createPolicy({ spec: policySpecSchema.parse({ name: unique("p"), effect: "require_approval", target: { cohorts: [cohort] }, condition: "true" }), actor: "system", userId: null });
    const pending = await client(dp.base, a.apiKey).ask({ action: "orders.refund", input: { amount: 700 } });
    expect(await deliverDueWebhooks()).toBe(1);
    expect(received).toHaveLength(1);
    const r = received[0]!;
    const ts = r.headers["x-warden-timestamp"] as string;
    const expected = `v1=${createHmac("sha256", hook.secret).update(`${ts}.${r.body}`).digest("hex")}`;
    expect(r.headers["x-warden-signature"]).toBe(expected);
    expect(r.headers["x-warden-event"]).toBe("approval.requested");
    expect(JSON.parse(r.body)).toMatchObject({ event: "approval.requested", data: { actionId: pending.json.id, cohort } });
    // A tampered body would not verify.
    expect(createHmac("sha256", hook.secret).update(`${ts}.${r.body.replace("orders", "xrders")}`).digest("hex")).not.toBe(expected.slice(3));
    await pool().query("DELETE FROM webhooks WHERE id = $1", [hook.id]);
  });

  it("retry with backoff until the receiver accepts, and give up after the last attempt", async () => {
    received = [];
    failNext = 2;
    const hook = await webhook(["cohort.halted"]);
    const { agent } = await newAgent({ cohort: unique("wh-halt") });
    await halt({ scope: { kind: "cohort", name: agent.cohort }, reason: "webhook test", actor: "user:test" });
    const row = async () => (await pool().query("SELECT status, attempts, next_attempt_at, last_error FROM webhook_deliveries WHERE webhook_id = $1", [hook.id])).rows[0];
    await deliverDueWebhooks();
    let d = await row();
    expect(d).toMatchObject({ status: "PENDING", attempts: 1, last_error: "HTTP 500" });
    expect(new Date(d.next_attempt_at).getTime()).toBeGreaterThan(Date.now() + 3000); // backed off, not retried at once
    expect(await deliverDueWebhooks()).toBe(0);
    // "Due now" is a second ago: next_attempt_at keeps milliseconds, and now() rounded up to
    // the next one could still be ahead of the claim's now() (a flake seen under CI load).
    for (let i = 0; i < 2; i++) {
      await pool().query("UPDATE webhook_deliveries SET next_attempt_at = now() - interval '1 second' WHERE webhook_id = $1", [hook.id]);
      await deliverDueWebhooks();
    }
    d = await row();
    expect(d).toMatchObject({ status: "DELIVERED", attempts: 3 });
    expect(received.map((r) => JSON.parse(r.body).event)).toEqual(["cohort.halted", "cohort.halted", "cohort.halted"]);
    expect(new Set(received.map((r) => r.headers["x-warden-delivery"])).size).toBe(1); // the same delivery id each time

    failNext = 1000;
    await halt({ scope: { kind: "cohort", name: (await newAgent({ cohort: unique("wh-fail") })).agent.cohort }, reason: "again", actor: "user:test" });
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await pool().query("UPDATE webhook_deliveries SET next_attempt_at = now() - interval '1 second' WHERE webhook_id = $1 AND status = 'PENDING'", [hook.id]);
      await deliverDueWebhooks();
    }
    const failed = (await pool().query("SELECT status, attempts FROM webhook_deliveries WHERE webhook_id = $1 ORDER BY created_at DESC LIMIT 1", [hook.id])).rows[0];
    expect(failed).toEqual({ status: "FAILED", attempts: MAX_ATTEMPTS });
    failNext = 0;
  });

  it("are admin-only and refuse non-http URLs and unknown events", async () => {
    const op = await userWithToken("operator");
    expect((await call(webhooksRoute.POST, { token: op.token, body: { url: receiverUrl, events: ["cohort.halted"] } })).status).toBe(403);
    const admin = await userWithToken("admin");
    expect((await call(webhooksRoute.POST, { token: admin.token, body: { url: "file:///etc/passwd", events: ["cohort.halted"] } })).status).toBe(400);
    expect((await call(webhooksRoute.POST, { token: admin.token, body: { url: receiverUrl, events: ["everything"] } })).status).toBe(400);
    const list = await call(webhooksRoute.GET, { token: admin.token });
    expect(JSON.stringify(list.json)).not.toMatch(/whsec_/);
  });
});

describe("webhooks can't reach inside the network", () => {
  const port = () => new URL(receiverUrl).port;
  const count = async () => (await pool().query("SELECT count(*)::int AS n FROM webhooks")).rows[0].n as number;
  /** A resolver that knows only the names it is given (the seam deliveries and creation resolve through). */
  const resolverOf = (table: Record<string, string[]>): Resolver => async (host) => {
    const addresses = table[host];
    if (!addresses) throw Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: "ENOTFOUND" });
    return addresses.map((address) => ({ address, family: address.includes(":") ? 6 : 4 }));
  };

  it("refuses loopback, private, link-local, unique-local, unspecified, CGNAT and metadata hosts in every spelling", async () => {
    allowOnly(undefined);
    try {
      const admin = await userWithToken("admin");
      const forbidden = [
        `http://127.0.0.1:${port()}/hooks`,
        "http://localhost:8080/",
        "http://app.localhost/",
        "http://[::1]/",
        "http://169.254.169.254/latest/meta-data/",
        "http://metadata.google.internal/computeMetadata/v1/",
        "http://[fd00:ec2::254]/",
        "http://0x7f000001/",
        "http://2130706433/",
        "http://0177.0.0.1/",
        "http://127.1/",
        "http://10.0.0.5/",
        "http://172.16.3.4/",
        "https://192.168.1.10/",
        "http://0.0.0.0:5432/",
        "http://[::]/",
        "http://100.64.0.1/",
        "http://169.254.10.10/",
        "http://[fe80::1]/",
        "http://[fc00::1]/",
        "http://[::ffff:127.0.0.1]/",
        "http://[::ffff:169.254.169.254]/",
        "http://[::ffff:10.0.0.1]/",
        "http://[64:ff9b::7f00:1]/",
      ];
      const before = await count();
      for (const url of forbidden) {
        const res = await call(webhooksRoute.POST, { token: admin.token, body: { url, events: ["cohort.halted"] } });
        expect(res.status, url).toBe(400);
        expect(res.json.error.code, url).toBe("webhook_url_forbidden");
      }
      expect(await count()).toBe(before); // nothing was stored
      // Names are checked after resolution: every address a name has must be allowed.
      const resolve = resolverOf({ "intranet.test": ["10.1.2.3"], "mixed.test": ["93.184.215.14", "192.168.0.9"], "v6.test": ["::1"] });
      for (const host of ["intranet.test", "mixed.test", "v6.test"]) {
        await expect(createWebhook({ input: { url: `https://${host}/hook`, events: ["cohort.halted"] }, actor: "user:test", userId: admin.user.id, resolve })).rejects.toMatchObject({ kind: "invalid", code: "webhook_url_forbidden" });
      }
      await expect(createWebhook({ input: { url: "https://nowhere.test/hook", events: ["cohort.halted"] }, actor: "user:test", userId: admin.user.id, resolve })).rejects.toMatchObject({ kind: "invalid", code: "webhook_url_unresolvable" });
      // A public receiver is fine, and stored as WHATWG URL parsing normalised it.
      const ok = await createWebhook({ input: { url: "HTTPS://Hooks.Example.test/warden", events: ["cohort.halted"] }, actor: "user:test", userId: admin.user.id, resolve: resolverOf({ "hooks.example.test": ["93.184.215.14", "2606:2800:21f:cb07:6820:80da:af6b:8b2c"] }) });
      expect(ok.webhook.url).toBe("https://hooks.example.test/warden");
      await pool().query("DELETE FROM webhooks WHERE id = $1", [ok.webhook.id]);
    } finally {
      allowOnly("127.0.0.1");
    }
  });

  it("refuses URLs that carry credentials", async () => {
    const admin = await userWithToken("admin");
    for (const url of ["https://user:secret@hooks.example.test/x", "https://token@hooks.example.test/x"]) {
      const res = await call(webhooksRoute.POST, { token: admin.token, body: { url, events: ["cohort.halted"] } });
      expect(res.status, url).toBe(400);
      expect(res.json.error.code).toBe("webhook_url_credentials");
      expect(JSON.stringify(res.json)).not.toContain("secret");
    }
  });

  it("lets allow-listed intranet receivers through (host, address or CIDR) but never a metadata address", async () => {
    const admin = await userWithToken("admin");
    const body = { url: receiverUrl, events: ["agent.halted"] };
    try {
      allowOnly(undefined);
      expect((await call(webhooksRoute.POST, { token: admin.token, body })).status).toBe(400);
      for (const list of ["127.0.0.1", "hooks.intranet, 127.0.0.0/8", "::ffff:127.0.0.0/104"]) {
        allowOnly(list);
        const res = await call(webhooksRoute.POST, { token: admin.token, body });
        expect(res.status, list).toBe(201);
        await pool().query("DELETE FROM webhooks WHERE id = $1", [res.json.webhook.id]);
      }
      allowOnly("169.254.0.0/16, metadata.google.internal");
      for (const url of ["http://169.254.169.254/latest/meta-data/", "http://metadata.google.internal/"]) {
        expect((await call(webhooksRoute.POST, { token: admin.token, body: { url, events: ["agent.halted"] } })).json.error.code, url).toBe("webhook_url_forbidden");
      }
      expect((await call(webhooksRoute.POST, { token: admin.token, body: { url: "http://169.254.1.1/", events: ["agent.halted"] } })).status).toBe(201);
      await pool().query("DELETE FROM webhooks WHERE url = 'http://169.254.1.1/'");
    } finally {
      allowOnly("127.0.0.1");
    }
  });

  it("checks again when connecting: a name rebound to 127.0.0.1 after creation is refused, and the log names no address", async () => {
    const admin = await userWithToken("admin");
    const url = `http://rebind.test:${port()}/hooks`;
    try {
      allowOnly(undefined);
      const created = await createWebhook({ input: { url, events: ["agent.halted"] }, actor: "user:test", userId: admin.user.id, resolve: resolverOf({ "rebind.test": ["93.184.215.14"] }) });
      const { agent } = await newAgent({ cohort: unique("wh-rebind") });
      await halt({ scope: { kind: "agent", agentId: agent.id }, reason: "rebinding", actor: "user:test" });
      const delivery = async () => (await pool().query("SELECT id, status, attempts, response_status, last_error FROM webhook_deliveries WHERE webhook_id = $1", [created.webhook.id])).rows[0];
      const id = (await delivery()).id as string;
      received = [];
      // The name now resolves inside: the connection is refused before anything is sent.
      await deliverDueWebhooks({ resolve: resolverOf({ "rebind.test": ["127.0.0.1"] }) });
      expect(await delivery()).toMatchObject({ status: "PENDING", attempts: 1, response_status: null, last_error: "refused: address not allowed" });
      expect(received.filter((r) => r.headers["x-warden-delivery"] === id)).toHaveLength(0);

      // The same name and resolver, with 127.0.0.1 allow-listed: it connects (so the check is the
      // one the connection made, through the resolver it was given).
      allowOnly("127.0.0.1");
      await pool().query("UPDATE webhook_deliveries SET next_attempt_at = now() - interval '1 second' WHERE id = $1", [id]);
      await deliverDueWebhooks({ resolve: resolverOf({ "rebind.test": ["127.0.0.1"] }) });
      expect(await delivery()).toMatchObject({ status: "DELIVERED", attempts: 2, response_status: 204, last_error: null });
      expect(received.filter((r) => r.headers["x-warden-delivery"] === id)).toHaveLength(1);
      await pool().query("DELETE FROM webhooks WHERE id = $1", [created.webhook.id]);
    } finally {
      allowOnly("127.0.0.1");
    }
  });

  it("tells a host DNS can't resolve from a forbidden one, when the webhook is created and at every delivery", async () => {
    const admin = await userWithToken("admin");
    const failing = (code: string): Resolver => async (host) => {
      throw Object.assign(new Error(`getaddrinfo ${code} ${host}`), { code });
    };
    try {
      allowOnly(undefined);
      const create = (url: string, resolve?: Resolver) => createWebhook({ input: { url, events: ["agent.halted"] }, actor: "user:test", userId: admin.user.id, ...(resolve ? { resolve } : {}) });
      // Creation: no such name, an empty answer, a failed lookup — unresolvable, each saying which; an inside address — forbidden.
      await expect(create("https://nowhere.test/hook", resolverOf({}))).rejects.toMatchObject({ kind: "invalid", code: "webhook_url_unresolvable", details: { reason: "not_found" }, message: expect.stringMatching(/does not resolve/) });
      await expect(create("https://empty.test/hook", async () => [])).rejects.toMatchObject({ code: "webhook_url_unresolvable", details: { reason: "not_found" } });
      await expect(create("https://flaky.test/hook", failing("EAI_AGAIN"))).rejects.toMatchObject({ code: "webhook_url_unresolvable", details: { reason: "lookup_failed" }, message: expect.stringMatching(/lookup failed/) });
      await expect(create("https://inside.test/hook", resolverOf({ "inside.test": ["192.168.7.7"] }))).rejects.toMatchObject({ code: "webhook_url_forbidden" });
      // An allow-listed name that doesn't resolve is still unresolvable, not admitted and not forbidden.
      allowOnly("gone.intranet");
      await expect(create("https://gone.intranet/hook", resolverOf({}))).rejects.toMatchObject({ code: "webhook_url_unresolvable", details: { reason: "not_found" } });
      allowOnly(undefined);
      // Over HTTP with the system resolver: .invalid never resolves (RFC 6761), and is not called forbidden.
      const res = await call(webhooksRoute.POST, { token: admin.token, body: { url: `https://${unique("no-such-host")}.invalid/hook`, events: ["agent.halted"] } });
      expect(res.status).toBe(400);
      expect(res.json.error.code).toBe("webhook_url_unresolvable");

      // Delivery: the same stored webhook, as DNS changes under it.
      const created = await create(`http://moved.test:${port()}/hooks`, resolverOf({ "moved.test": ["93.184.215.14"] }));
      const { agent } = await newAgent({ cohort: unique("wh-dns") });
      await halt({ scope: { kind: "agent", agentId: agent.id }, reason: "dns changes", actor: "user:test" });
      const delivery = async () => (await pool().query("SELECT id, status, attempts, response_status, last_error FROM webhook_deliveries WHERE webhook_id = $1", [created.webhook.id])).rows[0];
      const id = (await delivery()).id as string;
      const attempt = async (resolve: Resolver) => {
        await pool().query("UPDATE webhook_deliveries SET next_attempt_at = now() - interval '1 second' WHERE id = $1", [id]);
        await deliverDueWebhooks({ resolve });
        return delivery();
      };
      received = [];
      expect(await attempt(resolverOf({}))).toMatchObject({ status: "PENDING", attempts: 1, response_status: null, last_error: "unresolvable: host not found" });
      expect(await attempt(async () => [])).toMatchObject({ attempts: 2, last_error: "unresolvable: host not found" });
      expect(await attempt(failing("EAI_AGAIN"))).toMatchObject({ attempts: 3, last_error: "unresolvable: lookup failed" });
      expect(await attempt(resolverOf({ "moved.test": ["127.0.0.1"] }))).toMatchObject({ attempts: 4, last_error: "refused: address not allowed" });
      expect(received.filter((r) => r.headers["x-warden-delivery"] === id)).toHaveLength(0);
      // Resolvable and admitted again: delivered.
      allowOnly("127.0.0.1");
      expect(await attempt(resolverOf({ "moved.test": ["127.0.0.1"] }))).toMatchObject({ status: "DELIVERED", attempts: 5, response_status: 204, last_error: null });
      await pool().query("DELETE FROM webhooks WHERE id = $1", [created.webhook.id]);
    } finally {
      allowOnly("127.0.0.1");
    }
  });

  it("refuses at delivery a stored address no longer allowed, and records failures without addresses or ports", async () => {
    const hook = await webhook(["agent.halted"]);
    const closed = http.createServer();
    await new Promise<void>((r) => closed.listen(0, "127.0.0.1", r));
    const closedPort = (closed.address() as AddressInfo).port;
    await new Promise((r) => closed.close(r)); // nothing listens there now
    const dead = await webhook(["agent.halted"]);
    await pool().query("UPDATE webhooks SET url = $2 WHERE id = $1", [dead.id, `http://127.0.0.1:${closedPort}/hooks`]);
    try {
      allowOnly(undefined); // the allow-list that admitted them is gone
      const { agent } = await newAgent({ cohort: unique("wh-gone") });
      await halt({ scope: { kind: "agent", agentId: agent.id }, reason: "allow-list removed", actor: "user:test" });
      received = [];
      await deliverDueWebhooks();
      const errors = async () => (await pool().query("SELECT webhook_id, last_error FROM webhook_deliveries WHERE webhook_id = ANY($1) ORDER BY webhook_id", [[hook.id, dead.id]])).rows;
      expect((await errors()).map((r) => r.last_error)).toEqual(["refused: address not allowed", "refused: address not allowed"]);
      expect(received).toHaveLength(0);

      allowOnly("127.0.0.1");
      await pool().query("UPDATE webhook_deliveries SET next_attempt_at = now() - interval '1 second' WHERE webhook_id = ANY($1)", [[hook.id, dead.id]]);
      await deliverDueWebhooks();
      const byHook = Object.fromEntries((await errors()).map((r) => [r.webhook_id, r.last_error]));
      expect(byHook[hook.id]).toBeNull(); // delivered
      expect(byHook[dead.id]).toBe("connection failed"); // not "connect ECONNREFUSED 127.0.0.1:<port>"
    } finally {
      allowOnly("127.0.0.1");
      await pool().query("DELETE FROM webhooks WHERE id = ANY($1)", [[hook.id, dead.id]]);
    }
  });
});
