import { auditTx } from "../audit/index.ts";
import { roleFromDb, roleToDb, type Principal, type RoleName } from "../auth/index.ts";
import { prisma } from "../db/index.ts";
import { newId } from "../ids.ts";
import { emailSchema } from "./schemas.ts";

/** Maps an identity-provider login to a Warden user, creating it with the default role on first sign-in. */
export async function signInWithOidc({ email, name, defaultRole }: { email: string; name: string; defaultRole: RoleName }): Promise<Principal | null> {
  const parsed = emailSchema.safeParse(email);
  if (!parsed.success) return null;
  const normalized = parsed.data;
  return prisma().$transaction(async (tx) => {
    let user = await tx.user.findUnique({ where: { email: normalized } });
    if (user?.disabledAt) return null;
    if (!user) {
      user = await tx.user.create({ data: { id: newId("usr"), email: normalized, name: name || normalized, role: roleToDb(defaultRole) } });
      await auditTx(tx, { actor: "system", kind: "user.created", subject: `user:${user.id}`, data: { email: normalized, name: user.name, role: defaultRole, via: "oidc" } });
    }
    await tx.user.update({ where: { id: user.id }, data: { lastLoginAt: new Date() } });
    await auditTx(tx, { actor: `user:${user.id}`, kind: "auth.login", subject: `user:${user.id}`, data: { email: normalized, via: "oidc" } });
    return { userId: user.id, email: user.email, name: user.name, role: roleFromDb(user.role), via: "session" as const };
  });
}
