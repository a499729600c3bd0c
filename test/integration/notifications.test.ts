import { createHmac } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as webhooksRoute from "../../app/api/webhooks/route.ts";
import { pool } from "../../lib/db/index.ts";
import { deliverDueWebhooks } from "../../lib/webhooks/index.ts";
import { call, unique } from "../support/fixtures.ts";
import { client, newAgent, startDataPlane } from "../support/dataplane.ts";
import { approvalPolicy, markdown, team, teamAdmin, vote } from "../support/escalation.ts";

let received: { headers: http.IncomingHttpHeaders; body: string }[] = [];
let receiver: http.Server;
let url = "";
let dp: Awaited<ReturnType<typeof startDataPlane>>;

beforeAll(async () => {
  process.env.WARDEN_WEBHOOK_ALLOWED_HOSTS = "127.0.0.1";
  process.env.WARDEN_PUBLIC_URL = "https://warden.maison.example/";
  receiver = http.createServer((req, res) => {
    let body = "";
    req.on("data", (c: Buffer) => (body += c.toString()));
    req.on("end", () => {
      received.push({ headers: req.headers, body });
      res.writeHead(200).end("ok");
    });
  });
  await new Promise<void>((r) => receiver.listen(0, "127.0.0.1", r));
  url = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/services/T000/B000/xyz`;
  dp = await startDataPlane();
});
afterAll(async () => {
  delete process.env.WARDEN_WEBHOOK_ALLOWED_HOSTS;
  delete process.env.WARDEN_PUBLIC_URL;
  await dp.close();
  await new Promise((r) => receiver.close(r));
});

async function hook(format?: "json" | "slack") {
  const res = await call(webhooksRoute.POST, { token: (await teamAdmin()).token, body: { url, events: ["approval.requested", "approval.decided", "approval.escalated"], ...(format ? { format } : {}) } });
  expect(res.status).toBe(201);
  expect(res.json.webhook.format).toBe(format ?? "json");
  return res.json as { webhook: { id: string }; secret: string };
}

describe("notifications", () => {
  it("carry who, what, why, the amounts, the stage and a link to the approval page (json)", async () => {
    received = [];
    const h = await hook();
    const cohort = unique("pricing");
    const merch = await team(1);
    await approvalPolicy(cohort, { stages: [{ team: merch.name, quorum: 1, timeoutSeconds: 600, onTimeout: "reject" }] });
    const { agent, apiKey } = await newAgent({ cohort });
    const id = (await client(dp.base, apiKey).ask(markdown(45, 100))).json.id as string;
    await vote(merch.people[0]!, id, { decision: "approve", comment: "ok" });
    await deliverDueWebhooks();
    const bodies = received.map((r) => JSON.parse(r.body));
    expect(bodies.map((b) => b.event)).toEqual(expect.arrayContaining(["approval.requested", "approval.decided"]));
    expect(bodies.find((b) => b.event === "approval.requested").data).toMatchObject({
      actionId: id,
      agent: agent.name,
      owner: "owner@test.example",
      action: "pricing.set_price",
      input: { price: 45, currentPrice: 100, currency: "EUR" },
      reasons: [{ message: "Deep markdown" }],
      stage: { index: 0, of: 1, team: merch.name },
      link: `https://warden.maison.example/approvals/${id}`,
    });
    expect(bodies.find((b) => b.event === "approval.decided").data).toMatchObject({ status: "approved", by: merch.people[0]!.user.email, comment: "ok", link: `https://warden.maison.example/approvals/${id}` });
    await pool().query("DELETE FROM webhooks WHERE id = $1", [h.webhook.id]);
  });

  it("render as Slack Block Kit per endpoint, signed alike, with Approve and Reject buttons that open the approval page", async () => {
    received = [];
    const h = await hook("slack");
    const cohort = unique("pricing");
    const merch = await team(1);
    await approvalPolicy(cohort, { stages: [{ team: merch.name, quorum: 1, timeoutSeconds: 600, onTimeout: "reject" }] });
    const { agent, apiKey } = await newAgent({ cohort });
    const id = (await client(dp.base, apiKey).ask(markdown(45, 100))).json.id as string;
    await deliverDueWebhooks();
    expect(received).toHaveLength(1);
    const r = received[0]!;
    const ts = r.headers["x-warden-timestamp"] as string;
    expect(r.headers["x-warden-signature"]).toBe(`v1=${createHmac("sha256", h.secret).update(`${ts}.${r.body}`).digest("hex")}`);
    const msg = JSON.parse(r.body);
    expect(msg.text).toContain(agent.name);
    expect(msg.blocks[0]).toEqual({ type: "header", text: { type: "plain_text", text: "Approval needed: pricing.set_price", emoji: true } });
    const fields = msg.blocks.flatMap((b: { fields?: { text: string }[] }) => b.fields ?? []).map((f: { text: string }) => f.text);
    expect(fields).toEqual(expect.arrayContaining(["*price*\n€45.00", "*currentPrice*\n€100.00"]));
    const actions = msg.blocks.find((b: { type: string }) => b.type === "actions");
    expect(actions.elements.map((e: { text: { text: string }; url: string; style?: string }) => [e.text.text, e.url, e.style])).toEqual([
      ["Approve", `https://warden.maison.example/approvals/${id}?decide=approve`, "primary"],
      ["Reject", `https://warden.maison.example/approvals/${id}?decide=reject`, "danger"],
      ["Open in Warden", `https://warden.maison.example/approvals/${id}`, undefined],
    ]);
    expect(JSON.stringify(msg)).toContain(`team *${merch.name}*`);
    await pool().query("DELETE FROM webhooks WHERE id = $1", [h.webhook.id]);
  });

  it("refuses an unknown format", async () => {
    const res = await call(webhooksRoute.POST, { token: (await teamAdmin()).token, body: { url, events: ["approval.requested"], format: "teams" } });
    expect(res.status).toBe(400);
  });
});
