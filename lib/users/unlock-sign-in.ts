import { auditTx } from "../audit/index.ts";
import { prisma, txRunner } from "../db/index.ts";
import { notFound } from "../errors/index.ts";
import { unlockSignIn as clearThrottles } from "../throttle/index.ts";
import { presentUser, type UserView } from "./present.ts";

/**
 * An admin lets a user sign in again at once: clears the account's sign-in delays (overall
 * and from every client address; lib/throttle unlockSignIn) and records
 * `auth.login_unlocked` in the same transaction. Idempotent: `cleared` is 0 when nothing
 * was slowing the account down (still audited: someone asked).
 *
 * @throws WardenError `not_found` (404) for an unknown user
 */
export async function unlockUserSignIn({ userId, actor }: { userId: string; actor: string }): Promise<{ user: UserView; cleared: number }> {
  return prisma().$transaction(async (tx) => {
    const u = await tx.user.findUnique({ where: { id: userId } });
    if (!u) throw notFound("User");
    const cleared = await clearThrottles(u.email, txRunner(tx));
    await auditTx(tx, { actor, kind: "auth.login_unlocked", subject: `user:${u.id}`, data: { email: u.email, cleared } });
    return { user: presentUser(u), cleared };
  });
}
