import http from "node:http";
import type { AddressInfo } from "node:net";
import { encode } from "next-auth/jwt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as agentsRoute from "../../app/api/agents/route.ts";
import * as loginRoute from "../../app/api/login/route.ts";
import * as meRoute from "../../app/api/me/route.ts";
import * as passwordRoute from "../../app/api/me/password/route.ts";
import * as resetRoute from "../../app/api/users/[id]/password-reset/route.ts";
import * as usersRoute from "../../app/api/users/route.ts";
import { keyUse, registerAgent, rotateAgentKey } from "../../lib/agents/index.ts";
import { startSession } from "../../lib/auth/index.ts";
import { listAuditEvents } from "../../lib/audit/index.ts";
import { handleDataPlane } from "../../lib/dataplane/index.ts";
import { pool, prisma } from "../../lib/db/index.ts";
import { createApiToken } from "../../lib/tokens/index.ts";
import { actorDirectory } from "../../lib/users/index.ts";
import { call, unique, userWithToken } from "../support/fixtures.ts";

const ORIGIN = { origin: "http://localhost:3000" };

/** A session cookie as next-auth issues it at sign-in (app/auth-options.ts: sub + a live session's sid). */
async function session(userId: string) {
  const sid = await startSession(userId);
  const jwt = await encode({ token: { sub: userId, sid }, secret: process.env.NEXTAUTH_SECRET! });
  return { sid, cookie: `next-auth.session-token=${jwt}` };
}

const liveSessions = async (userId: string) => (await pool().query<{ id: string }>("SELECT id FROM user_sessions WHERE user_id = $1", [userId])).rows.map((r) => r.id);

describe("POST /api/me/password", () => {
  it("changes my password given the current one: the new one signs in, my other sessions end, this one stays, audited", async () => {
    const u = await userWithToken("operator", "old-password-123");
    const here = await session(u.user.id);
    const elsewhere = await session(u.user.id);
    const res = await call(passwordRoute.POST, { headers: { cookie: here.cookie, ...ORIGIN }, body: { currentPassword: "old-password-123", newPassword: "new-password-456" } });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ sessionsEnded: 1, tokensRevoked: 1 });
    expect(await liveSessions(u.user.id)).toEqual([here.sid]);
    expect((await call(meRoute.GET, { headers: { cookie: elsewhere.cookie } })).status).toBe(401);
    expect((await call(meRoute.GET, { headers: { cookie: here.cookie } })).status).toBe(200);
    expect((await call(loginRoute.POST, { body: { email: u.principal.email, password: "old-password-123" } })).status).toBe(401);
    expect((await call(loginRoute.POST, { body: { email: u.principal.email, password: "new-password-456" } })).status).toBe(200);
    const ev = (await listAuditEvents({ kind: "user.password_changed", subject: `user:${u.user.id}`, limit: 5 })).events;
    expect(ev).toHaveLength(1);
    expect(ev[0]).toMatchObject({ actor: `user:${u.user.id}`, data: { sessionsEnded: 1, tokensRevoked: 1, wasTemporary: false } });
    expect(JSON.stringify(ev)).not.toContain("password-456");
  });

  it("refuses a wrong current password (403, audited, nothing changes), then delays guesses (429 with Retry-After)", async () => {
    const u = await userWithToken("viewer", "right-password-1");
    const s = await session(u.user.id);
    const wrong = () => call(passwordRoute.POST, { headers: { cookie: s.cookie, ...ORIGIN }, body: { currentPassword: "guess-guess-guess", newPassword: "whatever-new-1" } });
    const first = await wrong();
    expect(first.status).toBe(403);
    expect(first.json.error.code).toBe("wrong_password");
    for (let i = 0; i < 4; i++) expect((await wrong()).status).toBe(403);
    // Five free attempts per 15 minutes; the sixth passes (the delay opens), the seventh waits.
    expect((await wrong()).status).toBe(403);
    const limited = await wrong();
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe("rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThan(0);
    // Even the right password waits now: the throttle is checked first.
    expect((await call(passwordRoute.POST, { headers: { cookie: s.cookie, ...ORIGIN }, body: { currentPassword: "right-password-1", newPassword: "whatever-new-1" } })).status).toBe(429);
    expect((await call(loginRoute.POST, { body: { email: u.principal.email, password: "right-password-1" } })).status).toBe(200);
    expect((await listAuditEvents({ kind: "auth.password_change_failed", subject: `user:${u.user.id}`, limit: 20 })).events).toHaveLength(6);
  });

  it("applies user creation's password rules, refuses the same password, bad bodies and cross-site posts", async () => {
    const u = await userWithToken("viewer", "right-password-2");
    const s = await session(u.user.id);
    const post = (body: unknown, headers: Record<string, string> = ORIGIN) => call(passwordRoute.POST, { headers: { cookie: s.cookie, ...headers }, body });
    const short = await post({ currentPassword: "right-password-2", newPassword: "short" });
    expect(short.status).toBe(400);
    expect(short.json.error.code).toBe("validation_failed");
    expect((await post({ currentPassword: "right-password-2", newPassword: "right-password-2" })).json.error.code).toBe("password_unchanged");
    expect((await post({ newPassword: "long-enough-password" })).status).toBe(400);
    expect((await post({ currentPassword: "right-password-2", newPassword: "long-enough-password", extra: 1 })).status).toBe(400);
    const csrf = await post({ currentPassword: "right-password-2", newPassword: "long-enough-password" }, { origin: "https://evil.example" });
    expect(csrf.status).toBe(403);
    expect(csrf.json.error.code).toBe("csrf");
    expect((await call(loginRoute.POST, { body: { email: u.principal.email, password: "right-password-2" } })).status).toBe(200);
  });
});

describe("POST /api/users/{id}/password-reset", () => {
  it("gives a temporary password once; it signs in to nothing but a password change, which then unlocks the dashboard", async () => {
    const admin = await userWithToken("admin");
    const u = await userWithToken("operator", "forgotten-password-1");
    const personal = await createApiToken({ principal: u.principal, input: { name: "ci" } });
    const before = await session(u.user.id);
    const res = await call(resetRoute.POST, { token: admin.token, params: { id: u.user.id }, body: {} });
    expect(res.status).toBe(200);
    const temporary = res.json.temporaryPassword as string;
    expect(temporary.length).toBeGreaterThanOrEqual(16);
    // Sessions ended, the login token revoked; the personal token keeps working.
    expect((await call(meRoute.GET, { headers: { cookie: before.cookie } })).status).toBe(401);
    expect((await call(meRoute.GET, { token: u.token })).status).toBe(401);
    expect((await call(agentsRoute.GET, { token: personal.token })).status).toBe(200);
    // The old password is gone; the temporary one buys no API token.
    expect((await call(loginRoute.POST, { body: { email: u.principal.email, password: "forgotten-password-1" } })).status).toBe(401);
    const cli = await call(loginRoute.POST, { body: { email: u.principal.email, password: temporary } });
    expect(cli.status).toBe(403);
    expect(cli.json.error.code).toBe("password_change_required");
    // Signed in to the dashboard with it: who am I works, everything else waits for a new password.
    const s = await session(u.user.id);
    const me = await call(meRoute.GET, { headers: { cookie: s.cookie } });
    expect(me.json.user).toMatchObject({ id: u.user.id, mustChangePassword: true });
    const blocked = await call(agentsRoute.GET, { headers: { cookie: s.cookie } });
    expect(blocked.status).toBe(403);
    expect(blocked.json.error.code).toBe("password_change_required");
    const changed = await call(passwordRoute.POST, { headers: { cookie: s.cookie, ...ORIGIN }, body: { currentPassword: temporary, newPassword: "my-own-password-1" } });
    expect(changed.status).toBe(200);
    expect((await call(agentsRoute.GET, { headers: { cookie: s.cookie } })).status).toBe(200);
    expect((await call(meRoute.GET, { headers: { cookie: s.cookie } })).json.user.mustChangePassword).toBe(false);
    expect((await call(loginRoute.POST, { body: { email: u.principal.email, password: "my-own-password-1" } })).status).toBe(200);
    const reset = (await listAuditEvents({ kind: "user.password_reset", subject: `user:${u.user.id}`, limit: 5 })).events;
    expect(reset).toHaveLength(1);
    expect(reset[0]).toMatchObject({ actor: `user:${admin.user.id}`, data: { sessionsEnded: 1, tokensRevoked: 1 } });
    expect(JSON.stringify(reset)).not.toContain(temporary);
    const listed = await call(usersRoute.GET, { token: admin.token });
    expect(listed.json.users.find((x: { id: string }) => x.id === u.user.id)).toMatchObject({ mustChangePassword: false });
    const { rows } = await pool().query("SELECT password_hash FROM users WHERE id = $1", [u.user.id]);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
  });

  it("is for admins only, not on yourself, and 404 for an unknown user; nothing changes", async () => {
    const admin = await userWithToken("admin");
    const approver = await userWithToken("approver");
    const target = await userWithToken("viewer", "unchanged-password-1");
    expect((await call(resetRoute.POST, { token: approver.token, params: { id: target.user.id }, body: {} })).status).toBe(403);
    expect((await call(resetRoute.POST, { token: admin.token, params: { id: admin.user.id }, body: {} })).status).toBe(400);
    expect((await call(resetRoute.POST, { token: admin.token, params: { id: "usr_nobody" }, body: {} })).status).toBe(404);
    expect((await call(loginRoute.POST, { body: { email: target.principal.email, password: "unchanged-password-1" } })).status).toBe(200);
    expect((await listAuditEvents({ kind: "user.password_reset", subject: `user:${target.user.id}`, limit: 5 })).events).toHaveLength(0);
  });
});

describe("agent key last use", () => {
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    server = http.createServer((req, res) => void handleDataPlane(req, res));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  const lastUsed = async (keyId: string) => (await prisma().agentKey.findUniqueOrThrow({ where: { id: keyId } })).lastUsedAt;

  it("is recorded for data-plane traffic, after the answer, for the key that was used", async () => {
    const { agent, apiKey, keyId } = await registerAgent({ input: { name: unique("pricer"), cohort: "pricing", owner: "x@y.zz" }, actor: "system", createdById: null });
    const rotated = await rotateAgentKey({ agentId: agent.id, actor: "system", createdById: null });
    expect(await lastUsed(keyId)).toBeNull();
    const t0 = Date.now();
    const res = await fetch(`${base}/v1/actions`, { method: "POST", headers: { authorization: `Bearer ${apiKey}`, "content-type": "application/json" }, body: JSON.stringify({ action: "price.update", input: { sku: "A1" } }) });
    expect(res.status).toBe(200);
    await expect.poll(() => lastUsed(keyId), { timeout: 10_000 }).not.toBeNull();
    expect((await lastUsed(keyId))!.getTime()).toBeGreaterThanOrEqual(t0 - 1000);
    expect(await lastUsed(rotated.key.id)).toBeNull();
    // A refused key records nothing.
    await prisma().agentKey.update({ where: { id: rotated.key.id }, data: { revokedAt: new Date() } });
    expect((await fetch(`${base}/v1/agent`, { headers: { authorization: `Bearer ${rotated.apiKey}` } })).status).toBe(401);
    await keyUse().flush();
    expect(await lastUsed(rotated.key.id)).toBeNull();
  });

  it("writes at most once a minute per key across instances: a stamp less than a minute old is kept", async () => {
    const { keyId } = await registerAgent({ input: { name: unique("pricer"), cohort: "pricing", owner: "x@y.zz" }, actor: "system", createdById: null });
    const recent = new Date(Date.now() - 20_000);
    await prisma().agentKey.update({ where: { id: keyId }, data: { lastUsedAt: recent } });
    keyUse().note(keyId); // as another instance would, having not seen this key yet
    await keyUse().flush();
    expect((await lastUsed(keyId))!.getTime()).toBe(recent.getTime());
    const old = new Date(Date.now() - 5 * 60_000);
    await prisma().agentKey.update({ where: { id: keyId }, data: { lastUsedAt: old } });
    const { keyId: other } = await registerAgent({ input: { name: unique("pricer"), cohort: "pricing", owner: "x@y.zz" }, actor: "system", createdById: null });
    keyUse().note(other);
    await keyUse().flush();
    expect(await lastUsed(other)).not.toBeNull();
    // Same instance, same minute: noted once only, so the older stamp stays until the minute is up.
    keyUse().note(keyId);
    await keyUse().flush();
    expect((await lastUsed(keyId))!.getTime()).toBe(old.getTime());
  });
});

describe("actor names", () => {
  it("resolves users to their e-mail, agents and policies to their names, only those asked for", async () => {
    const u = await userWithToken("viewer");
    const { agent } = await registerAgent({ input: { name: unique("namer"), cohort: "pricing", owner: "x@y.zz" }, actor: "system", createdById: null });
    const other = await userWithToken("viewer");
    const labels = await actorDirectory([`user:${u.user.id}`, `agent:${agent.id}`, "user:usr_gone", "nonsense"]);
    expect(labels[`user:${u.user.id}`]).toEqual({ name: u.principal.email, detail: "Test viewer" });
    expect(labels[`agent:${agent.id}`]).toEqual({ name: agent.name, detail: "agent" });
    expect(labels["user:usr_gone"]).toBeUndefined();
    expect(labels[`user:${other.user.id}`]).toBeUndefined();
    expect((await actorDirectory())[`user:${other.user.id}`]?.name).toBe(other.principal.email);
  });
});
