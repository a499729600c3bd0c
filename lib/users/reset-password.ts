import { auditTx } from "../audit/index.ts";
import { actorOf, type Principal } from "../auth/index.ts";
import { prisma } from "../db/index.ts";
import { notFound, WardenError } from "../errors/index.ts";
import { generatePassword, hashPassword } from "../secrets/index.ts";
import { gatePasswordReset } from "../throttle/index.ts";

/**
 * An admin resets another user's password: a generated temporary password (returned once,
 * stored as argon2id) that the user must replace at their next sign-in — until then their
 * dashboard session can do nothing but set a new one (lib/http route, 403
 * `password_change_required`), and `POST /api/login` refuses it. In one transaction with
 * `user.password_reset`: every dashboard session of the user ends and their command-line
 * login tokens are revoked; personal API tokens keep working (revoke them under the user's
 * tokens if they may be compromised too). For your own password use changeOwnPassword.
 * Throttled per admin (lib/throttle PASSWORD_RESET_THROTTLE).
 *
 * @throws WardenError `not_found` (404), `validation_failed` (400: your own account),
 *   `rate_limited` (429)
 */
export async function resetUserPassword({ userId, principal }: { userId: string; principal: Principal }): Promise<{ temporaryPassword: string }> {
  if (userId === principal.userId) throw new WardenError("validation_failed", "To change your own password, use Change password (POST /api/me/password) with your current one");
  const gate = await gatePasswordReset(principal.userId);
  if (!gate.allowed) throw new WardenError("rate_limited", `Too many password resets; try again in ${gate.retryAfterSeconds} s`, { retryAfterSeconds: gate.retryAfterSeconds });
  const temporaryPassword = generatePassword();
  const passwordHash = await hashPassword(temporaryPassword);
  return prisma().$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId } });
    if (!user) throw notFound("User");
    await tx.user.update({ where: { id: userId }, data: { passwordHash, mustChangePassword: true } });
    const sessionsEnded = (await tx.userSession.deleteMany({ where: { userId } })).count;
    const tokensRevoked = (await tx.apiToken.updateMany({ where: { userId, kind: "LOGIN", revokedAt: null }, data: { revokedAt: new Date() } })).count;
    await auditTx(tx, { actor: actorOf(principal), kind: "user.password_reset", subject: `user:${userId}`, data: { email: user.email, sessionsEnded, tokensRevoked } });
    return { temporaryPassword };
  });
}
