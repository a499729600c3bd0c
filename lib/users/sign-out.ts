import { auditTx } from "../audit/index.ts";
import { prisma } from "../db/index.ts";

/**
 * Ends a dashboard session on the server (next-auth's sign-out event): its row goes, so the
 * cookie stops working at once, even replayed. Audited as `auth.logout` in the same
 * transaction when the session was live; false when it had already ended.
 */
export async function signOutSession({ sessionId, userId, ip }: { sessionId: string; userId: string; ip?: string | null }): Promise<boolean> {
  return prisma().$transaction(async (tx) => {
    const { count } = await tx.userSession.deleteMany({ where: { id: sessionId, userId } });
    if (count > 0) await auditTx(tx, { actor: `user:${userId}`, kind: "auth.logout", subject: `user:${userId}`, data: { ip: ip ?? null } });
    return count > 0;
  });
}
