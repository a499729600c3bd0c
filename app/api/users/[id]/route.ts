import { actorOf } from "@/lib/auth/index.ts";
import { route } from "@/lib/http/index.ts";
import { getUser, updateUser, updateUserSchema } from "@/lib/users/index.ts";

export const GET = route({ permission: "users:write", handler: async ({ params }) => ({ user: await getUser(params.id!) }) });

export const PATCH = route({
  permission: "users:write",
  body: updateUserSchema,
  handler: async ({ principal, body, params }) => ({ user: await updateUser({ userId: params.id!, input: body, actor: actorOf(principal) }) }),
});
