import { prisma } from "../db/index.ts";
import { notFound } from "../errors/index.ts";
import { signInDelayed } from "../throttle/index.ts";
import { presentUser, type UserView } from "./present.ts";

/** A user as the Users page lists them: with whether their sign-ins are being delayed now. */
export type UserListItem = UserView & { signInDelayed: boolean };

export async function listUsers(): Promise<UserListItem[]> {
  const users = await prisma().user.findMany({ orderBy: [{ role: "desc" }, { email: "asc" }] });
  const delayed = await signInDelayed(users.map((u) => u.email));
  return users.map((u) => ({ ...presentUser(u), signInDelayed: delayed.has(u.email) }));
}

export async function getUser(userId: string): Promise<UserView> {
  const u = await prisma().user.findUnique({ where: { id: userId } });
  if (!u) throw notFound("User");
  return presentUser(u);
}
