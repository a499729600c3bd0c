import { audit, auditTx } from "../audit/index.ts";
import { roleFromDb, type Principal } from "../auth/index.ts";
import { pool, prisma } from "../db/index.ts";
import { WardenError } from "../errors/index.ts";
import { burnPasswordCheck, verifyPassword } from "../secrets/index.ts";

export const LOGIN_WINDOW_MINUTES = 15;
export const LOGIN_MAX_FAILURES = 10;

/**
 * Failed sign-ins are audit events; counting them (per e-mail, across every instance) is the
 * rate limit, so it needs no store of its own.
 */
async function recentFailures(email: string): Promise<number> {
  const { rows } = await pool().query<{ n: number }>(
    `SELECT count(*)::int AS n FROM audit_events
      WHERE subject = $1 AND kind = 'auth.login_failed' AND at > now() - make_interval(mins => $2)`,
    [`login:${email}`, LOGIN_WINDOW_MINUTES],
  );
  return rows[0]?.n ?? 0;
}

export type CredentialCheck = { email: string; password: string; ip?: string | null; via: "web" | "api" };

/** Checks an e-mail and password; audits the outcome either way. Throws 429 when rate-limited. */
export async function verifyCredentials({ email, password, ip, via }: CredentialCheck): Promise<Principal | null> {
  const normalized = email.trim().toLowerCase();
  if ((await recentFailures(normalized)) >= LOGIN_MAX_FAILURES) {
    await burnPasswordCheck(password);
    throw new WardenError("rate_limited", `Too many failed sign-ins for this account; try again in ${LOGIN_WINDOW_MINUTES} minutes`);
  }
  const user = await prisma().user.findUnique({ where: { email: normalized }, omit: { passwordHash: false } });
  const ok = user?.passwordHash && !user.disabledAt ? await verifyPassword(user.passwordHash, password) : (await burnPasswordCheck(password), false);
  if (!user || !ok) {
    await audit({
      actor: "system",
      kind: "auth.login_failed",
      subject: `login:${normalized}`,
      data: { email: normalized, ip: ip ?? null, via, reason: !user ? "unknown_user" : user.disabledAt ? "disabled" : "bad_password" },
    });
    return null;
  }
  await prisma().$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
    await auditTx(tx, { actor: `user:${user.id}`, kind: "auth.login", subject: `user:${user.id}`, data: { email: user.email, ip: ip ?? null, via } });
  });
  return { userId: user.id, email: user.email, name: user.name, role: roleFromDb(user.role), via: via === "web" ? "session" : "token" };
}
