import { describe, expect, it } from "vitest";
import * as agentsRoute from "../../app/api/agents/route.ts";
import * as loginRoute from "../../app/api/login/route.ts";
import * as meRoute from "../../app/api/me/route.ts";
import * as tokensRoute from "../../app/api/tokens/route.ts";
import * as tokenRoute from "../../app/api/tokens/[id]/route.ts";
import * as usersRoute from "../../app/api/users/route.ts";
import * as userRoute from "../../app/api/users/[id]/route.ts";
import { listAuditEvents } from "../../lib/audit/index.ts";
import { pool } from "../../lib/db/index.ts";
import { adminPersonalToken, call, unique, userWithToken } from "../support/fixtures.ts";

describe("POST /api/login", () => {
  it("gives a short-lived token that acts with the user's role", async () => {
    const u = await userWithToken("approver", "approver-password-1");
    const res = await call(loginRoute.POST, { body: { email: u.principal.email.toUpperCase(), password: "approver-password-1" } });
    expect(res.status).toBe(200);
    expect(res.json.token).toMatch(/^wdt_/);
    const hours = (Date.parse(res.json.expiresAt) - Date.now()) / 3_600_000;
    expect(hours).toBeGreaterThan(11);
    expect(hours).toBeLessThanOrEqual(12);
    const me = await call(meRoute.GET, { token: res.json.token });
    expect(me.json.user).toMatchObject({ email: u.principal.email, role: "approver" });
    expect(me.json.permissions).toContain("approvals:decide");
    expect(me.json.permissions).not.toContain("users:write");
  });

  it("answers 401 to a wrong password and audits the failure without the password", async () => {
    const u = await userWithToken("viewer", "viewer-password-1");
    const res = await call(loginRoute.POST, { body: { email: u.principal.email, password: "nope-nope-nope" } });
    expect(res.status).toBe(401);
    const ev = (await listAuditEvents({ kind: "auth.login_failed", subject: `login:${u.principal.email}`, limit: 5 })).events;
    expect(ev).toHaveLength(1);
    expect(JSON.stringify(ev)).not.toContain("nope-nope-nope");
  });

  it("answers 400 to a malformed body", async () => {
    expect((await call(loginRoute.POST, { rawBody: "{" })).status).toBe(400);
    expect((await call(loginRoute.POST, { body: { email: "a@b.c" } })).status).toBe(400);
  });
});

describe("users", () => {
  it("lets an admin create a user with a generated one-time password, audited", async () => {
    const admin = await userWithToken("admin");
    const email = `${unique("op")}@maison.example`;
    const res = await call(usersRoute.POST, { token: admin.token, body: { email, name: "Olivia", role: "operator" } });
    expect(res.status).toBe(201);
    expect(res.json.user).toMatchObject({ email, role: "operator", disabled: false });
    expect(res.json.initialPassword).toHaveLength(24);
    const login = await call(loginRoute.POST, { body: { email, password: res.json.initialPassword } });
    expect(login.status).toBe(200);
    const { rows } = await pool().query("SELECT password_hash FROM users WHERE email = $1", [email]);
    expect(rows[0].password_hash).toMatch(/^\$argon2id\$/);
    const ev = (await listAuditEvents({ kind: "user.created", subject: `user:${res.json.user.id}`, limit: 1 })).events[0]!;
    expect(ev.actor).toBe(`user:${admin.user.id}`);
    expect(JSON.stringify(ev)).not.toContain(res.json.initialPassword);
  });

  it("refuses non-admins (403) and duplicate e-mails (409)", async () => {
    const approver = await userWithToken("approver");
    expect((await call(usersRoute.POST, { token: approver.token, body: { email: "x@y.zz", name: "X", role: "viewer" } })).status).toBe(403);
    expect((await call(usersRoute.GET, { token: approver.token })).status).toBe(403);
    const admin = await userWithToken("admin");
    const res = await call(usersRoute.POST, { token: admin.token, body: { email: approver.principal.email, name: "Dup", role: "viewer" } });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe("email_taken");
    const bad = await call(usersRoute.POST, { token: admin.token, body: { email: "x@y.zz", name: "X", role: "superuser" } });
    expect(bad.status).toBe(400);
  });

  it("applies a role change at once to the user's existing tokens", async () => {
    const admin = await userWithToken("admin");
    const viewer = await userWithToken("viewer");
    const body = { name: unique("promoted"), cohort: "pricing", owner: "a@b.cd" };
    expect((await call(agentsRoute.POST, { token: viewer.token, body })).status).toBe(403);
    const res = await call(userRoute.PATCH, { method: "PATCH", token: admin.token, params: { id: viewer.user.id }, body: { role: "operator" } });
    expect(res.status).toBe(200);
    expect((await call(agentsRoute.POST, { token: viewer.token, body })).status).toBe(201);
    const ev = (await listAuditEvents({ kind: "user.role_changed", subject: `user:${viewer.user.id}`, limit: 1 })).events[0]!;
    expect(ev.data).toMatchObject({ changes: { role: { from: "viewer", to: "operator" } } });
  });

  it("disabling a user revokes their tokens", async () => {
    const admin = await userWithToken("admin");
    const op = await userWithToken("operator");
    await call(userRoute.PATCH, { method: "PATCH", token: admin.token, params: { id: op.user.id }, body: { disabled: true } });
    expect((await call(meRoute.GET, { token: op.token })).status).toBe(401);
    expect((await call(loginRoute.POST, { body: { email: op.principal.email, password: op.password } })).status).toBe(401);
  });

  it("never leaves the estate without an active admin", async () => {
    const { rows } = await pool().query("SELECT id FROM users WHERE role = 'ADMIN' AND disabled_at IS NULL");
    const admin = await userWithToken("admin");
    // Demote every other admin first, then try to demote the last one.
    for (const r of rows) await call(userRoute.PATCH, { method: "PATCH", token: admin.token, params: { id: r.id }, body: { role: "viewer" } });
    const res = await call(userRoute.PATCH, { method: "PATCH", token: admin.token, params: { id: admin.user.id }, body: { role: "viewer" } });
    expect(res.status).toBe(409);
    expect(res.json.error.code).toBe("last_admin");
  });
});

describe("personal API tokens", () => {
  it("are shown once, stored hashed, work as Bearer, and stop working when revoked", async () => {
    const admin = await adminPersonalToken();
    const res = await call(tokensRoute.POST, { token: admin.token, body: { name: "ci-pipeline" } });
    expect(res.status).toBe(201);
    const secret = res.json.token;
    expect(secret).toMatch(/^wdt_/);
    const { rows } = await pool().query("SELECT token_hash FROM api_tokens WHERE id = $1", [res.json.id]);
    expect(rows[0].token_hash).toMatch(/^[0-9a-f]{64}$/);
    expect((await call(meRoute.GET, { token: secret })).status).toBe(200);
    const list = await call(tokensRoute.GET, { token: secret });
    expect(JSON.stringify(list.json)).not.toContain(secret);
    expect((await call(tokenRoute.DELETE, { method: "DELETE", token: admin.token, params: { id: res.json.id } })).status).toBe(200);
    expect((await call(meRoute.GET, { token: secret })).status).toBe(401);
  });

  it("can only be created by admins (API.md)", async () => {
    const op = await userWithToken("operator");
    expect((await call(tokensRoute.POST, { token: op.token, body: { name: "mine" } })).status).toBe(403);
  });
});
