import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as webhooksRoute from "../../app/api/webhooks/route.ts";
import { pool } from "../../lib/db/index.ts";
import { halt } from "../../lib/killswitch/index.ts";
import { createPolicy, policySpecSchema } from "../../lib/policies/index.ts";
import { deliverDueWebhooks, MAX_ATTEMPTS } from "../../lib/webhooks/index.ts";
import { call, unique, userWithToken } from "../support/fixtures.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";

type Received = { headers: http.IncomingHttpHeaders; body: string };
let receiver: http.Server;
let received: Received[] = [];
let failNext = 0;
let receiverUrl = "";
let dp: Awaited<ReturnType<typeof startDataPlane>>;

beforeAll(async () => {
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
