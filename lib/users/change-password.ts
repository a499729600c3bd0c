import { z } from "zod";
import { audit, auditTx } from "../audit/index.ts";
import type { Principal } from "../auth/index.ts";
import { prisma } from "../db/index.ts";
import { notFound, WardenError } from "../errors/index.ts";
import { hashPassword, verifyPassword, burnPasswordCheck } from "../secrets/index.ts";
import { gatePasswordChange, passwordChangeSucceeded } from "../throttle/index.ts";
import { passwordSchema } from "./schemas.ts";

export const changePasswordSchema = z.strictObject({
  // Any length up to the limit: it is checked, not judged (an old password may predate the rules).
  currentPassword: z.string().min(1, "your current password").max(256),
  newPassword: passwordSchema,
});
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;

/**
 * The signed-in user changes their own password, proving the current one (argon2id check).
 * The new one follows user creation's rules (passwordSchema) and must differ from the current.
 * On success, in one transaction with `user.password_changed`: the new hash is stored, a
 * temporary-password flag is cleared, every other dashboard session of the user ends (the
 * calling one, `principal.sessionId`, stays signed in) and their command-line login tokens are
 * revoked, as updateUser does for a password an admin sets. Personal API tokens stay: they are
 * separate credentials, listed under Settings.
 *
 * Wrong current passwords are audited (`auth.password_change_failed`) and throttled per user
 * (lib/throttle PASSWORD_CHANGE_THROTTLE: 5 free per 15 min, then progressive delays).
 *
 * @throws WardenError `rate_limited` (429, details.retryAfterSeconds), `wrong_password` (403),
 *   `password_unchanged` (400), `not_found` (404: the user vanished)
 */
export async function changeOwnPassword({ principal, input }: { principal: Principal; input: ChangePasswordInput }): Promise<{ sessionsEnded: number; tokensRevoked: number }> {
  const gate = await gatePasswordChange(principal.userId);
  if (!gate.allowed) {
    throw new WardenError("rate_limited", `Too many wrong current passwords; try again in ${gate.retryAfterSeconds} s`, { retryAfterSeconds: gate.retryAfterSeconds });
  }
  const user = await prisma().user.findUnique({ where: { id: principal.userId }, omit: { passwordHash: false } });
  if (!user) throw notFound("User");
  const ok = user.passwordHash ? await verifyPassword(user.passwordHash, input.currentPassword) : (await burnPasswordCheck(input.currentPassword), false);
  if (!ok) {
    await audit({ actor: `user:${user.id}`, kind: "auth.password_change_failed", subject: `user:${user.id}`, data: { email: user.email, attempt: gate.attempt } });
    throw new WardenError("wrong_password", "The current password is wrong");
  }
  await passwordChangeSucceeded(user.id);
  if (input.newPassword === input.currentPassword) throw new WardenError("password_unchanged", "Choose a password different from the current one");
  const passwordHash = await hashPassword(input.newPassword);
  return prisma().$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash, mustChangePassword: false } });
    const keep = principal.sessionId ? { id: { not: principal.sessionId } } : {};
    const sessionsEnded = (await tx.userSession.deleteMany({ where: { userId: user.id, ...keep } })).count;
    const tokensRevoked = (await tx.apiToken.updateMany({ where: { userId: user.id, kind: "LOGIN", revokedAt: null }, data: { revokedAt: new Date() } })).count;
    await auditTx(tx, {
      actor: `user:${user.id}`,
      kind: "user.password_changed",
      subject: `user:${user.id}`,
      data: { email: user.email, wasTemporary: user.mustChangePassword, sessionsEnded, tokensRevoked, via: principal.via },
    });
    return { sessionsEnded, tokensRevoked };
  });
}
