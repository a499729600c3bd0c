import { encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import * as agentsRoute from "../../app/api/agents/route.ts";
import { startSession } from "../../lib/auth/index.ts";
import { pool } from "../../lib/db/index.ts";
import { call, unique, userWithToken } from "../support/fixtures.ts";

/** A session cookie as next-auth issues it at sign-in (app/auth-options.ts: sub + a live session's sid). */
async function sessionCookie(userId: string) {
  const sid = await startSession(userId);
  const jwt = await encode({ token: { sub: userId, sid }, secret: process.env.NEXTAUTH_SECRET! });
  return `next-auth.session-token=${jwt}`;
}

const newAgent = () => ({ name: unique("csrf"), cohort: "pricing", owner: "a@b.cd" });

describe("dashboard session cookie", () => {
  it("authenticates reads and same-origin mutations", async () => {
    const op = await userWithToken("operator");
    const cookie = await sessionCookie(op.user.id);
    expect((await call(agentsRoute.GET, { headers: { cookie } })).status).toBe(200);
    const res = await call(agentsRoute.POST, { headers: { cookie, origin: "http://localhost:3000" }, body: newAgent() });
    expect(res.status).toBe(201);
  });

  it("refuses a cross-site mutation riding on the cookie, and records nothing", async () => {
    const op = await userWithToken("operator");
    const cookie = await sessionCookie(op.user.id);
    const body = newAgent();
    const attempts: Record<string, string>[] = [
      { cookie, origin: "https://evil.example" },
      { cookie, "sec-fetch-site": "cross-site", origin: "https://evil.example" },
      { cookie }, // no Origin at all
    ];
    for (const headers of attempts) {
      const res = await call(agentsRoute.POST, { headers, body });
      expect(res.status).toBe(403);
      expect(res.json.error.code).toBe("csrf");
    }
    expect((await pool().query("SELECT 1 FROM agents WHERE name = $1", [body.name])).rowCount).toBe(0);
  });

  it("refuses a forged X-Forwarded-Host: the host compared is the one the ingress resolved", async () => {
    const op = await userWithToken("operator");
    const cookie = await sessionCookie(op.user.id);
    const body = newAgent();
    // Without a trusted proxy the ingress drops X-Forwarded-Host; called directly, it is ignored too.
    const res = await call(agentsRoute.POST, { headers: { cookie, origin: "https://evil.example", "x-forwarded-host": "evil.example" }, body });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe("csrf");
    expect((await pool().query("SELECT 1 FROM agents WHERE name = $1", [body.name])).rowCount).toBe(0);
  });

  it("rejects a forged or foreign-signed cookie, and one without a live session", async () => {
    const op = await userWithToken("operator");
    const noSession = await encode({ token: { sub: op.user.id }, secret: process.env.NEXTAUTH_SECRET! });
    expect((await call(agentsRoute.GET, { headers: { cookie: `next-auth.session-token=${noSession}` } })).status).toBe(401);
    const unknownSession = await encode({ token: { sub: op.user.id, sid: "ses_gone" }, secret: process.env.NEXTAUTH_SECRET! });
    expect((await call(agentsRoute.GET, { headers: { cookie: `next-auth.session-token=${unknownSession}` } })).status).toBe(401);
    const other = await userWithToken("viewer");
    const foreignSid = await encode({ token: { sub: op.user.id, sid: await startSession(other.user.id) }, secret: process.env.NEXTAUTH_SECRET! });
    expect((await call(agentsRoute.GET, { headers: { cookie: `next-auth.session-token=${foreignSid}` } })).status).toBe(401);
    const forged = await encode({ token: { sub: op.user.id, sid: await startSession(op.user.id) }, secret: "some-other-secret-that-is-long-enough" });
    expect((await call(agentsRoute.GET, { headers: { cookie: `next-auth.session-token=${forged}` } })).status).toBe(401);
    expect((await call(agentsRoute.GET, { headers: { cookie: "next-auth.session-token=garbage" } })).status).toBe(401);
  });
});
