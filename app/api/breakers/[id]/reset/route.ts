import { actorOf } from "@/lib/auth/index.ts";
import { getBreaker, resetBreaker, resetSchema } from "@/lib/breakers/index.ts";
import { route } from "@/lib/http/index.ts";

/** Closes an open or half-open breaker with a reason; 409 breaker_closed when it is already closed. */
export const POST = route({
  permission: "breakers:write",
  body: resetSchema,
  handler: async ({ principal, body, params }) => {
    await resetBreaker({ id: params.id!, reason: body.reason, actor: actorOf(principal), by: principal.email });
    return getBreaker(params.id!);
  },
});
