import { randomBytes } from "node:crypto";
import { decode } from "next-auth/jwt";
import { prisma } from "../db/index.ts";
import { roleFromDb } from "./permissions.ts";
import type { Principal } from "./principal.ts";

export const SESSION_COOKIES = ["__Secure-next-auth.session-token", "next-auth.session-token"];
export const SESSION_MAX_AGE_SECONDS = 12 * 60 * 60;

export function authSecret(): string {
  const s = process.env.NEXTAUTH_SECRET;
  if (!s) throw new Error("NEXTAUTH_SECRET is not set: start Warden with `npm start`, which provides it");
  return s;
}

/**
 * The session cookie's value from a Cookie header. Each cookie is decoded on its own, and one
 * whose %-encoding is broken is skipped: an unrelated bad cookie (another app on the same
 * host, a hand-edited one) must not break authentication.
 */
export function sessionCookieValue(cookieHeader: string | null): string | null {
  if (!cookieHeader) return null;
  const jar = new Map<string, string>();
  for (const part of cookieHeader.split(";")) {
    const i = part.indexOf("=");
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    if (!SESSION_COOKIES.includes(name) || jar.has(name)) continue;
    try {
      jar.set(name, decodeURIComponent(part.slice(i + 1).trim()));
    } catch {
      // not ours to judge: skip it
    }
  }
  for (const n of SESSION_COOKIES) {
    const v = jar.get(n);
    if (v) return v;
  }
  return null;
}

/**
 * Records a new dashboard session for a user who just signed in and returns its id, which
 * the session cookie (next-auth JWT, claim `sid`) carries. The session ends after
 * SESSION_MAX_AGE_SECONDS whatever the cookie says, on sign-out, and with every
 * other session of the user on a password change or when the user is disabled (lib/users).
 * Expired sessions of the same user are swept here, so the table stays small.
 */
export async function startSession(userId: string): Promise<string> {
  const id = `ses_${randomBytes(24).toString("base64url")}`;
  await prisma().$transaction([
    prisma().userSession.deleteMany({ where: { userId, expiresAt: { lt: new Date() } } }),
    prisma().userSession.create({ data: { id, userId, expiresAt: new Date(Date.now() + SESSION_MAX_AGE_SECONDS * 1000) } }),
  ]);
  return id;
}

type SessionClaims = { sub?: unknown; sid?: unknown };

/** The user and session ids a session cookie carries, or null when it is absent, forged, expired or foreign-signed. */
export async function sessionClaims(cookieHeader: string | null): Promise<{ userId: string; sessionId: string } | null> {
  const raw = sessionCookieValue(cookieHeader);
  if (!raw) return null;
  let jwt: SessionClaims | null;
  try {
    jwt = (await decode({ token: raw, secret: authSecret() })) as SessionClaims | null;
  } catch {
    return null;
  }
  if (typeof jwt?.sub !== "string" || typeof jwt.sid !== "string") return null;
  return { userId: jwt.sub, sessionId: jwt.sid };
}

/**
 * The signed-in user behind a next-auth session cookie. The cookie must name a live session
 * of that user (server-side: signing out, a password change or disabling ends it), and the
 * user is re-read from the database on each call, so a role change or a disabled account
 * takes effect at once. A cookie without a session id (issued before sessions were recorded)
 * is refused.
 */
export async function principalFromCookies(cookieHeader: string | null): Promise<Principal | null> {
  const claims = await sessionClaims(cookieHeader);
  if (!claims) return null;
  const s = await prisma().userSession.findUnique({ where: { id: claims.sessionId }, include: { user: true } });
  if (!s || s.userId !== claims.userId || s.expiresAt <= new Date() || s.user.disabledAt) return null;
  const u = s.user;
  return { userId: u.id, email: u.email, name: u.name, role: roleFromDb(u.role), via: "session", sessionId: s.id, ...(u.mustChangePassword ? { mustChangePassword: true } : {}) };
}

export async function principalForUser(userId: string, via: Principal["via"]): Promise<Principal | null> {
  const u = await prisma().user.findUnique({ where: { id: userId } });
  if (!u || u.disabledAt) return null;
  return { userId: u.id, email: u.email, name: u.name, role: roleFromDb(u.role), via };
}
