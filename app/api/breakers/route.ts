import { actorOf } from "@/lib/auth/index.ts";
import { breakerFilterSchema, breakerSpecSchema, createBreaker, getBreaker, listBreakers } from "@/lib/breakers/index.ts";
import { route } from "@/lib/http/index.ts";

/** Every breaker with its state and the metric's value now, open ones first (an array, API.md "Containment"). */
export const GET = route({ permission: "read", query: breakerFilterSchema, handler: ({ query }) => listBreakers({ agentId: query.agent, cohort: query.cohort }) });

export const POST = route({
  permission: "breakers:write",
  body: breakerSpecSchema,
  status: 201,
  handler: async ({ principal, body }) => getBreaker((await createBreaker({ spec: body, actor: actorOf(principal), userId: principal.userId })).id),
});
