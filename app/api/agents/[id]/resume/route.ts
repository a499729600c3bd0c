import { actorOf } from "@/lib/auth/index.ts";
import { route } from "@/lib/http/index.ts";
import { resume, resumeSchema } from "@/lib/killswitch/index.ts";

export const POST = route({
  permission: "agents:halt",
  body: resumeSchema,
  handler: ({ principal, body, params }) => resume({ scope: { kind: "agent", agentId: params.id! }, reason: body.reason, actor: actorOf(principal) }),
});
