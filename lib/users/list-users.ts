import { prisma } from "../db/index.ts";
import { notFound } from "../errors/index.ts";
import { presentUser, type UserView } from "./present.ts";

export async function listUsers(): Promise<UserView[]> {
  const users = await prisma().user.findMany({ orderBy: [{ role: "desc" }, { email: "asc" }] });
  return users.map(presentUser);
}

export async function getUser(userId: string): Promise<UserView> {
  const u = await prisma().user.findUnique({ where: { id: userId } });
  if (!u) throw notFound("User");
  return presentUser(u);
}
