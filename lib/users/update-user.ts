import { auditTx } from "../audit/index.ts";
import { roleFromDb, roleToDb } from "../auth/index.ts";
import { prisma } from "../db/index.ts";
import { conflict, notFound } from "../errors/index.ts";
import { hashPassword } from "../secrets/index.ts";
import { presentUser, type UserView } from "./present.ts";
import type { UpdateUserInput } from "./schemas.ts";

/**
 * Changes a user's name, role, password or enabled state, refusing to leave no active admin.
 * A password change ends every dashboard session of the user and revokes their login tokens
 * (`POST /api/login`) issued before it; disabling ends the sessions and revokes every token.
 * So a stolen cookie or token doesn't outlive the reset, and re-enabling a user revives none.
 *
 * @throws WardenError `not_found` (404), `last_admin` (409)
 */
export async function updateUser({ userId, input, actor }: { userId: string; input: UpdateUserInput; actor: string }): Promise<UserView> {
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  return prisma().$transaction(async (tx) => {
    // Serialise admin-count checks so two concurrent demotions can't both pass.
    await tx.$executeRawUnsafe("SELECT pg_advisory_xact_lock(4242001)");
    const before = await tx.user.findUnique({ where: { id: userId } });
    if (!before) throw notFound("User");
    const losesAdmin =
      before.role === "ADMIN" && before.disabledAt === null && ((input.role && input.role !== "admin") || input.disabled === true);
    if (losesAdmin) {
      const admins = await tx.user.count({ where: { role: "ADMIN", disabledAt: null } });
      if (admins <= 1) throw conflict("last_admin", "This is the last active admin; make someone else admin first");
    }
    const after = await tx.user.update({
      where: { id: userId },
      data: {
        name: input.name,
        role: input.role ? roleToDb(input.role) : undefined,
        disabledAt: input.disabled === undefined ? undefined : input.disabled ? (before.disabledAt ?? new Date()) : null,
        passwordHash,
      },
    });
    let sessionsEnded = 0;
    let tokensRevoked = 0;
    if (input.disabled === true || passwordHash) {
      sessionsEnded = (await tx.userSession.deleteMany({ where: { userId } })).count;
      // A disabled account's API tokens stop working with it; a new password, its login tokens.
      const kinds = input.disabled === true ? undefined : { kind: "LOGIN" as const };
      tokensRevoked = (await tx.apiToken.updateMany({ where: { userId, revokedAt: null, ...kinds }, data: { revokedAt: new Date() } })).count;
    }
    const changes: Record<string, { from: unknown; to: unknown }> = {};
    if (input.name !== undefined && input.name !== before.name) changes.name = { from: before.name, to: after.name };
    if (input.role !== undefined && after.role !== before.role) changes.role = { from: roleFromDb(before.role), to: roleFromDb(after.role) };
    if (input.disabled !== undefined && (before.disabledAt !== null) !== input.disabled) changes.disabled = { from: before.disabledAt !== null, to: input.disabled };
    await auditTx(tx, {
      actor,
      kind: changes.role ? "user.role_changed" : "user.updated",
      subject: `user:${userId}`,
      data: { email: after.email, changes, passwordChanged: Boolean(passwordHash), sessionsEnded, tokensRevoked },
    });
    return presentUser(after);
  });
}
