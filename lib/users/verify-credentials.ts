import { audit, auditTx } from "../audit/index.ts";
import { roleFromDb, type Principal } from "../auth/index.ts";
import { prisma } from "../db/index.ts";
import { WardenError } from "../errors/index.ts";
import { verifyPassword, burnPasswordCheck } from "../secrets/index.ts";
import { gateSignIn, signInSucceeded, type LoginThrottleName } from "../throttle/index.ts";

export type CredentialCheck = { email: string; password: string; ip?: string | null; via: "web" | "api" };

const WHAT: Record<LoginThrottleName, string> = {
  ipAccount: "for this account from your address",
  account: "for this account",
  ip: "from your address",
};

/**
 * Checks an e-mail and password; audits the outcome either way.
 *
 * Throttled first (lib/throttle: by client address, by account and by both; progressive
 * delays, counted atomically before the password is checked, shared by every instance):
 * a refused attempt costs no password hash and no audit row — only the attempt that first
 * pushes a throttle over its free attempts is audited (`auth.login_throttled`).
 *
 * @throws WardenError `rate_limited` (429) with `details.retryAfterSeconds` while delayed
 */
export async function verifyCredentials({ email, password, ip, via }: CredentialCheck): Promise<Principal | null> {
  const normalized = email.trim().toLowerCase();
  const client = ip ?? null;
  const gate = await gateSignIn({ email: normalized, ip: client });
  for (const throttle of gate.engaged) {
    await audit({ actor: "system", kind: "auth.login_throttled", subject: `login:${normalized}`, data: { email: normalized, ip: client, via, throttle } });
  }
  if (!gate.allowed) {
    throw new WardenError("rate_limited", `Too many failed sign-ins ${WHAT[gate.throttle]}; try again in ${gate.retryAfterSeconds} s`, {
      retryAfterSeconds: gate.retryAfterSeconds,
    });
  }
  const user = await prisma().user.findUnique({ where: { email: normalized }, omit: { passwordHash: false } });
  const ok = user?.passwordHash && !user.disabledAt ? await verifyPassword(user.passwordHash, password) : (await burnPasswordCheck(password), false);
  if (!user || !ok) {
    await audit({
      actor: "system",
      kind: "auth.login_failed",
      subject: `login:${normalized}`,
      data: { email: normalized, ip: client, via, reason: !user ? "unknown_user" : user.disabledAt ? "disabled" : "bad_password" },
    });
    return null;
  }
  await prisma().$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
    await auditTx(tx, { actor: `user:${user.id}`, kind: "auth.login", subject: `user:${user.id}`, data: { email: user.email, ip: client, via } });
  });
  await signInSucceeded({ email: normalized, ip: client, rememberedClient: gate.rememberedClient });
  return { userId: user.id, email: user.email, name: user.name, role: roleFromDb(user.role), via: via === "web" ? "session" : "token", ...(user.mustChangePassword ? { mustChangePassword: true } : {}) };
}
