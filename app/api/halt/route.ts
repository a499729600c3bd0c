import { actorOf } from "@/lib/auth/index.ts";
import { route } from "@/lib/http/index.ts";
import { globalHaltState, halt, haltSchema } from "@/lib/killswitch/index.ts";

/** Everything stops: admin only. */
export const POST = route({
  permission: "halt:global",
  body: haltSchema,
  handler: ({ principal, body }) => halt({ scope: { kind: "global" }, reason: body.reason, actor: actorOf(principal) }),
});

/** Whether everything is halted, and why. */
export const GET = route({
  permission: "read",
  handler: async () => {
    const s = await globalHaltState();
    return s?.haltedAt ? { status: "halted", reason: s.haltReason, haltedAt: s.haltedAt.toISOString() } : { status: "active" };
  },
});
