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
function cookieValue(cookieHeader: string | null, names: string[]): string | null {
  if (!cookieHeader) return null;
  const jar = new Map<string, string>();
  for (const part of cookieHeader.split(";")) {
    const i = part.indexOf("=");
    if (i <= 0) continue;
    const name = part.slice(0, i).trim();
    if (!names.includes(name) || jar.has(name)) continue;
    try {
      jar.set(name, decodeURIComponent(part.slice(i + 1).trim()));
    } catch {
      // not ours to judge: skip it
    }
  }
  for (const n of names) {
    const v = jar.get(n);
    if (v) return v;
  }
  return null;
}

/**
 * The signed-in user behind a next-auth session cookie, re-read from the database on each
 * call so that a role change or a disabled account takes effect at once.
 */
export async function principalFromCookies(cookieHeader: string | null): Promise<Principal | null> {
  const raw = cookieValue(cookieHeader, SESSION_COOKIES);
  if (!raw) return null;
  let userId: string | undefined;
  try {
    const jwt = await decode({ token: raw, secret: authSecret() });
    userId = typeof jwt?.sub === "string" ? jwt.sub : undefined;
  } catch {
    return null;
  }
  if (!userId) return null;
  return principalForUser(userId, "session");
}

export async function principalForUser(userId: string, via: Principal["via"]): Promise<Principal | null> {
  const u = await prisma().user.findUnique({ where: { id: userId } });
  if (!u || u.disabledAt) return null;
  return { userId: u.id, email: u.email, name: u.name, role: roleFromDb(u.role), via };
}
