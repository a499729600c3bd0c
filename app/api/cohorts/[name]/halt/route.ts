import { actorOf } from "@/lib/auth/index.ts";
import { route } from "@/lib/http/index.ts";
import { halt, haltSchema } from "@/lib/killswitch/index.ts";

export const POST = route({
  permission: "agents:halt",
  body: haltSchema,
  handler: ({ principal, body, params }) => halt({ scope: { kind: "cohort", name: params.name! }, reason: body.reason, actor: actorOf(principal) }),
});
