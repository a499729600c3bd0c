import { auditTx } from "../audit/index.ts";
import { prisma } from "../db/index.ts";
import { newId } from "../ids.ts";
import { generatePassword, hashPassword } from "../secrets/index.ts";

/**
 * On a database with no users, creates the first admin. Returns the credentials to print
 * once (the password only when it was generated), or null when users already exist.
 */
export async function ensureFirstAdmin(opts: { email?: string; password?: string }): Promise<{ email: string; password: string | null } | null> {
  const email = (opts.email ?? "admin@warden.local").toLowerCase();
  const password = opts.password ?? generatePassword();
  const passwordHash = await hashPassword(password);
  return prisma().$transaction(async (tx) => {
    await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(4242002)");
    if ((await tx.user.count()) > 0) return null;
    const u = await tx.user.create({ data: { id: newId("usr"), email, name: "Administrator", role: "ADMIN", passwordHash } });
    await auditTx(tx, { actor: "system", kind: "user.created", subject: `user:${u.id}`, data: { email, name: u.name, role: "admin", firstAdmin: true } });
    return { email, password: opts.password ? null : password };
  });
}
