import { actorOf } from "@/lib/auth/index.ts";
import { route } from "@/lib/http/index.ts";
import { halt, haltSchema, haltSummary } from "@/lib/killswitch/index.ts";

/** Everything stops: admin only. */
export const POST = route({
  permission: "halt:global",
  body: haltSchema,
  handler: ({ principal, body }) => halt({ scope: { kind: "global" }, reason: body.reason, actor: actorOf(principal) }),
});

/**
 * Whether everything is halted, why, since when and by whom; and how many cohorts and agents
 * are halted on their own (the dashboard's banner polls this).
 */
export const GET = route({
  permission: "read",
  handler: () => haltSummary(),
});
