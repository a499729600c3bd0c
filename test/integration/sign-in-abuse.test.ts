// Issue #10 §4: sign-in can't be abused — throttled by client address and by account
// (atomic, progressive, the owner keeps a way in, an audited unlock), client addresses from
// X-Forwarded-* only via trusted proxies, sessions and tokens end when they should, and
// audit verification is a rate-limited POST.
import { encode } from "next-auth/jwt";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import * as agentsRoute from "../../app/api/agents/route.ts";
import * as verifyRoute from "../../app/api/audit/verify/route.ts";
import * as loginRoute from "../../app/api/login/route.ts";
import * as meRoute from "../../app/api/me/route.ts";
import * as unlockRoute from "../../app/api/users/[id]/unlock/route.ts";
import * as userRoute from "../../app/api/users/[id]/route.ts";
import * as usersRoute from "../../app/api/users/route.ts";
import { authOptions } from "../../app/auth-options.ts";
import { listAuditEvents } from "../../lib/audit/index.ts";
import { startSession } from "../../lib/auth/index.ts";
import { pool } from "../../lib/db/index.ts";
import { CLIENT_IP_HEADER, parseTrustedProxies } from "../../lib/http/index.ts";
import { createApiToken } from "../../lib/tokens/index.ts";
import { LOGIN_THROTTLES, VERIFICATIONS_PER_MINUTE } from "../../lib/throttle/index.ts";
import { call, unique, userWithToken } from "../support/fixtures.ts";
import { startIngressServer } from "../support/ingress-server.ts";

let nextIp = 1;
/** A client address of its own for each scenario (TEST-NET-3), so throttles don't leak between tests. */
const freshIp = () => `203.0.113.${nextIp++}`;

const login = (email: string, password: string, ip: string) => call(loginRoute.POST, { body: { email, password }, headers: { [CLIENT_IP_HEADER]: ip } });

async function failures(email: string) {
  return (await listAuditEvents({ kind: "auth.login_failed", subject: `login:${email}`, limit: 200 })).events;
}

/**
 * The throttles read the application's clock (rate-limiter-flexible stores Date.now()-based
 * expiries), so these tests hold it still — a delay can't run out while a slow machine hashes
 * a password — and move it on to let one pass, instead of sleeping.
 */
function letTimePass(seconds: number) {
  vi.setSystemTime(Date.now() + seconds * 1000 + 1);
}

const { ipAccount, account, ip: perIp } = LOGIN_THROTTLES;

describe("sign-in throttling", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["Date"], now: Date.now() });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("counts attempts atomically: 50 parallel wrong passwords from one address cost free + 1 password checks", async () => {
    const u = await userWithToken("viewer", "viewer-password-atomic");
    const ip = freshIp();
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => login(u.principal.email, `wrong-${i}`, ip)));
    const statuses = results.map((r) => r.status);
    expect(statuses.filter((s) => s === 401)).toHaveLength(ipAccount.free + 1);
    expect(statuses.filter((s) => s === 429)).toHaveLength(50 - ipAccount.free - 1);
    expect(await failures(u.principal.email)).toHaveLength(ipAccount.free + 1);
    const throttled = (await listAuditEvents({ kind: "auth.login_throttled", subject: `login:${u.principal.email}`, limit: 10 })).events;
    expect(throttled).toHaveLength(1);
    expect(throttled[0]!.data).toMatchObject({ throttle: "ipAccount", ip });
  });

  it("delays rather than locks: after the free attempts one gets through per delay, the delay doubling, Retry-After saying how long", async () => {
    const u = await userWithToken("viewer", "viewer-password-delay");
    const ip = freshIp();
    for (let i = 0; i < ipAccount.free; i++) expect((await login(u.principal.email, "nope", ip)).status).toBe(401);
    // The first attempt over the free ones goes through and starts a 1 s delay …
    expect((await login(u.principal.email, "nope", ip)).status).toBe(401);
    const held = await login(u.principal.email, "viewer-password-delay", ip);
    expect(held.status).toBe(429);
    expect(held.json.error.code).toBe("rate_limited");
    expect(held.headers.get("retry-after")).toBe("1");
    expect(held.json.error.details).toEqual({ retryAfterSeconds: 1 });
    // … once it has passed, the next attempt goes through (attempt 8: 2^(8-5-1) = 4 s after it).
    letTimePass(1);
    expect((await login(u.principal.email, "nope", ip)).status).toBe(401);
    expect((await login(u.principal.email, "nope", ip)).headers.get("retry-after")).toBe("4");
    letTimePass(4);
    // The right password after the delay: in, and the address–account pair starts afresh.
    expect((await login(u.principal.email, "viewer-password-delay", ip)).status).toBe(200);
    for (let i = 0; i < ipAccount.free; i++) expect((await login(u.principal.email, "nope", ip)).status).toBe(401);
  });

  it("keeps the owner's way in from a remembered address while the account is guessed at from everywhere", async () => {
    const u = await userWithToken("operator", "operator-password-owner");
    const home = freshIp();
    expect((await login(u.principal.email, "operator-password-owner", home)).status).toBe(200);
    // A distributed guess: each attacker address tries once, until the account throttle holds.
    let refusedByAccount = 0;
    for (let i = 0; i < account.free + 4; i++) {
      const r = await login(u.principal.email, `guess-${i}`, freshIp());
      if (r.status === 429) refusedByAccount++;
    }
    expect(refusedByAccount).toBeGreaterThan(0);
    expect(await failures(u.principal.email)).toHaveLength(account.free + 1);
    // A new address with the right password waits like the attackers …
    expect((await login(u.principal.email, "operator-password-owner", freshIp())).status).toBe(429);
    // … the owner's known address does not.
    expect((await login(u.principal.email, "operator-password-owner", home)).status).toBe(200);
  });

  it("slows password spraying: one address across many accounts gets the per-address delay", async () => {
    const sprayer = freshIp();
    const statuses: number[] = [];
    for (let i = 0; i < perIp.free + 5; i++) statuses.push((await login(`${unique("sprayed")}@test.example`, "Summer2026!", sprayer)).status);
    expect(statuses.slice(0, perIp.free + 1).every((s) => s === 401)).toBe(true);
    expect(statuses.slice(perIp.free + 1).every((s) => s === 429)).toBe(true);
    const { rows } = await pool().query(`SELECT count(*)::int AS n FROM audit_events WHERE kind = 'auth.login_failed' AND data->>'ip' = $1`, [sprayer]);
    expect(rows[0].n).toBe(perIp.free + 1);
  });

  it("lets an admin unlock an account at once, audited; the Users list shows who is delayed", async () => {
    const admin = await userWithToken("admin");
    const u = await userWithToken("approver", "approver-password-unlock");
    const ip = freshIp();
    for (let i = 0; i <= ipAccount.free; i++) await login(u.principal.email, "nope", ip);
    expect((await login(u.principal.email, "approver-password-unlock", ip)).status).toBe(429);
    const listed = (await call(usersRoute.GET, { token: admin.token })).json.users as { id: string; signInDelayed: boolean }[];
    expect(listed.find((x) => x.id === u.user.id)?.signInDelayed).toBe(true);
    expect(listed.find((x) => x.id === admin.user.id)?.signInDelayed).toBe(false);

    expect((await call(unlockRoute.POST, { token: u.token, params: { id: u.user.id } })).status).toBe(403);
    const res = await call(unlockRoute.POST, { token: admin.token, params: { id: u.user.id } });
    expect(res.status).toBe(200);
    expect(res.json.cleared).toBeGreaterThan(0);
    const ev = (await listAuditEvents({ kind: "auth.login_unlocked", subject: `user:${u.user.id}`, limit: 1 })).events[0]!;
    expect(ev.actor).toBe(`user:${admin.user.id}`);
    expect((await login(u.principal.email, "approver-password-unlock", ip)).status).toBe(200);
    const after = (await call(usersRoute.GET, { token: admin.token })).json.users as { id: string; signInDelayed: boolean }[];
    expect(after.find((x) => x.id === u.user.id)?.signInDelayed).toBe(false);
    expect((await call(unlockRoute.POST, { token: admin.token, params: { id: "usr_missing" } })).status).toBe(404);
  });

  it("keys the store by hashes: no e-mail or address in rate_limits", async () => {
    const ip = freshIp();
    const email = `${unique("hashed")}@test.example`;
    await login(email, "nope", ip);
    const { rows } = await pool().query<{ key: string }>("SELECT key FROM rate_limits");
    expect(rows.length).toBeGreaterThan(0);
    expect(rows.some((r) => r.key.includes(email) || r.key.includes(ip))).toBe(false);
  });
});

describe("client addresses and hosts come from X-Forwarded-* only via WARDEN_TRUSTED_PROXIES", () => {
  async function failedLoginIp(trusted: string | undefined, xff: string): Promise<unknown> {
    const s = await startIngressServer(parseTrustedProxies(trusted), loginRoute.POST);
    const email = `${unique("xff")}@test.example`;
    try {
      const res = await fetch(`${s.base}/api/login`, { method: "POST", headers: { "content-type": "application/json", "x-forwarded-for": xff }, body: JSON.stringify({ email, password: "nope-nope" }) });
      expect(res.status).toBe(401);
    } finally {
      await s.close();
    }
    return ((await failures(email))[0]!.data as { ip: unknown }).ip;
  }

  it("ignores a spoofed X-Forwarded-For from a client that is not a trusted proxy", async () => {
    expect(await failedLoginIp(undefined, "198.51.100.66")).toBe("127.0.0.1");
    expect(await failedLoginIp("10.0.0.0/8", "198.51.100.66")).toBe("127.0.0.1");
  });

  it("takes the nearest untrusted hop behind trusted proxies, not what the client claimed", async () => {
    expect(await failedLoginIp("127.0.0.1", "6.6.6.6, 198.51.100.7")).toBe("198.51.100.7");
    expect(await failedLoginIp("127.0.0.0/8, 198.51.100.0/24", "6.6.6.6, 198.51.100.7")).toBe("6.6.6.6");
  });

  it("compares a cookie's Origin with X-Forwarded-Host only from a trusted proxy (CSRF)", async () => {
    const op = await userWithToken("operator");
    const sid = await startSession(op.user.id);
    const cookie = `next-auth.session-token=${await encode({ token: { sub: op.user.id, sid }, secret: process.env.NEXTAUTH_SECRET! })}`;
    const post = async (trusted: string | undefined) => {
      const s = await startIngressServer(parseTrustedProxies(trusted), agentsRoute.POST);
      try {
        const res = await fetch(`${s.base}/api/agents`, {
          method: "POST",
          headers: { "content-type": "application/json", cookie, origin: "https://warden.example.com", "x-forwarded-host": "warden.example.com", "x-forwarded-proto": "https" },
          body: JSON.stringify({ name: unique("fwd"), cohort: "pricing", owner: "a@b.cd" }),
        });
        return res.status;
      } finally {
        await s.close();
      }
    };
    expect(await post(undefined)).toBe(403);
    expect(await post("127.0.0.1")).toBe(201);
  });
});

describe("sessions and login tokens end when they should", () => {
  /** A cookie as next-auth issues it: the app's own jwt callback at sign-in. */
  async function signedInCookie(userId: string) {
    const token = await authOptions.callbacks!.jwt!({ token: { sub: userId }, user: { id: userId, email: null }, account: null, trigger: "signIn" } as never);
    return { token, cookie: `next-auth.session-token=${await encode({ token, secret: process.env.NEXTAUTH_SECRET! })}` };
  }

  it("signing out ends the session on the server: the replayed cookie stops working, also after disable → enable", async () => {
    const admin = await userWithToken("admin");
    const u = await userWithToken("viewer");
    const { token, cookie } = await signedInCookie(u.user.id);
    expect((await call(meRoute.GET, { headers: { cookie } })).status).toBe(200);
    await authOptions.events!.signOut!({ token, session: null as never });
    expect((await call(meRoute.GET, { headers: { cookie } })).status).toBe(401);
    expect((await listAuditEvents({ kind: "auth.logout", subject: `user:${u.user.id}`, limit: 1 })).events).toHaveLength(1);

    const second = await signedInCookie(u.user.id);
    expect((await call(meRoute.GET, { headers: { cookie: second.cookie } })).status).toBe(200);
    await call(userRoute.PATCH, { method: "PATCH", token: admin.token, params: { id: u.user.id }, body: { disabled: true } });
    await call(userRoute.PATCH, { method: "PATCH", token: admin.token, params: { id: u.user.id }, body: { disabled: false } });
    expect((await call(meRoute.GET, { headers: { cookie: second.cookie } })).status).toBe(401);
    expect((await call(meRoute.GET, { headers: { cookie } })).status).toBe(401);
  });

  it("a password change revokes the user's login tokens and sessions issued before it, not their personal tokens", async () => {
    const admin = await userWithToken("admin");
    const u = await userWithToken("admin", "old-password-123456");
    const { cookie } = await signedInCookie(u.user.id);
    const { token: personal } = await createApiToken({ principal: u.principal, input: { name: "ci" } });
    const loginToken = (await login(u.principal.email, "old-password-123456", freshIp())).json.token as string;
    for (const t of [u.token, loginToken, personal]) expect((await call(meRoute.GET, { token: t })).status).toBe(200);

    const res = await call(userRoute.PATCH, { method: "PATCH", token: admin.token, params: { id: u.user.id }, body: { password: "new-password-123456" } });
    expect(res.status).toBe(200);
    expect((await call(meRoute.GET, { headers: { cookie } })).status).toBe(401);
    expect((await call(meRoute.GET, { token: u.token })).status).toBe(401);
    expect((await call(meRoute.GET, { token: loginToken })).status).toBe(401);
    expect((await call(meRoute.GET, { token: personal })).status).toBe(200);
    const ev = (await listAuditEvents({ kind: "user.updated", subject: `user:${u.user.id}`, limit: 1 })).events[0]!;
    expect(ev.data).toMatchObject({ passwordChanged: true, sessionsEnded: 1, tokensRevoked: 2 });
    // New credentials work as before.
    expect((await login(u.principal.email, "new-password-123456", freshIp())).status).toBe(200);
  });
});

describe("audit verification", () => {
  it("GET reads the last recorded result and changes nothing; POST verifies and records it", async () => {
    const u = await userWithToken("viewer");
    const count = async () => (await pool().query("SELECT count(*)::int AS n FROM audit_verifications")).rows[0].n as number;
    const before = await count();
    const empty = await call(verifyRoute.GET, { token: u.token, path: "/api/audit/verify" });
    expect(empty.status).toBe(200);
    expect(await count()).toBe(before);

    const ran = await call(verifyRoute.POST, { token: u.token, path: "/api/audit/verify", body: { scope: "full" } });
    expect(ran.status).toBe(200);
    expect(ran.json).toMatchObject({ ok: true, scope: "full", head: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await count()).toBe(before + 1);

    const read = await call(verifyRoute.GET, { token: u.token, path: "/api/audit/verify?scope=full" });
    expect(read.json).toMatchObject({ ok: true, head: ran.json.head, verifiedAt: ran.json.verifiedAt, last: { ok: true, head: ran.json.head } });
    expect(await count()).toBe(before + 1);
  });

  it(`POST is limited to ${VERIFICATIONS_PER_MINUTE} a minute per user (429 with Retry-After)`, async () => {
    const u = await userWithToken("viewer");
    const other = await userWithToken("viewer");
    for (let i = 0; i < VERIFICATIONS_PER_MINUTE; i++) {
      expect((await call(verifyRoute.POST, { token: u.token, path: "/api/audit/verify", body: { scope: "incremental" } })).status).toBe(200);
    }
    const limited = await call(verifyRoute.POST, { token: u.token, path: "/api/audit/verify", body: {} });
    expect(limited.status).toBe(429);
    expect(limited.json.error.code).toBe("rate_limited");
    expect(Number(limited.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers.get("retry-after"))).toBeLessThanOrEqual(60);
    expect((await call(verifyRoute.POST, { token: other.token, path: "/api/audit/verify", body: {} })).status).toBe(200);
  });
});
