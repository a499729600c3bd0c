import { auditTx } from "../audit/index.ts";
import { roleToDb } from "../auth/index.ts";
import { prisma } from "../db/index.ts";
import { conflict } from "../errors/index.ts";
import { newId } from "../ids.ts";
import { generatePassword, hashPassword } from "../secrets/index.ts";
import { presentUser, type UserView } from "./present.ts";
import type { CreateUserInput } from "./schemas.ts";

/**
 * Creates a user. Without a password one is generated and returned once, for the admin to
 * hand over; only its argon2id hash is stored.
 */
export async function createUser({ input, actor }: { input: CreateUserInput; actor: string }): Promise<{ user: UserView; initialPassword?: string }> {
  const initialPassword = input.password ? undefined : generatePassword();
  const passwordHash = await hashPassword(input.password ?? initialPassword!);
  const user = await prisma().$transaction(async (tx) => {
    const exists = await tx.user.findUnique({ where: { email: input.email }, select: { id: true } });
    if (exists) throw conflict("email_taken", `A user with e-mail ${input.email} already exists`);
    const u = await tx.user.create({
      data: { id: newId("usr"), email: input.email, name: input.name, role: roleToDb(input.role), passwordHash },
    });
    await auditTx(tx, {
      actor,
      kind: "user.created",
      subject: `user:${u.id}`,
      data: { email: u.email, name: u.name, role: input.role },
    });
    return u;
  });
  return initialPassword ? { user: presentUser(user), initialPassword } : { user: presentUser(user) };
}
