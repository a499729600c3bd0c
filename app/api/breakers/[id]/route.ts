import { actorOf } from "@/lib/auth/index.ts";
import { breakerUpdateSchema, deleteBreaker, getBreaker, updateBreaker } from "@/lib/breakers/index.ts";
import { route } from "@/lib/http/index.ts";

export const GET = route({ permission: "read", handler: ({ params }) => getBreaker(params.id!) });

export const PUT = route({
  permission: "breakers:write",
  body: breakerUpdateSchema,
  handler: async ({ principal, body, params }) => getBreaker((await updateBreaker({ id: params.id!, spec: body, actor: actorOf(principal) })).id),
});

export const DELETE = route({ permission: "breakers:write", handler: ({ principal, params }) => deleteBreaker({ id: params.id!, actor: actorOf(principal), by: principal.email }) });
