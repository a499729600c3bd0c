import { actorOf } from "@/lib/auth/index.ts";
import { route } from "@/lib/http/index.ts";
import { createUser, createUserSchema, listUsers } from "@/lib/users/index.ts";

export const GET = route({ permission: "users:write", handler: async () => ({ users: await listUsers() }) });

export const POST = route({
  permission: "users:write",
  body: createUserSchema,
  status: 201,
  handler: ({ principal, body }) => createUser({ input: body, actor: actorOf(principal) }),
});
