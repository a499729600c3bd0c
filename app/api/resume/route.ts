import { actorOf } from "@/lib/auth/index.ts";
import { route } from "@/lib/http/index.ts";
import { resume, resumeSchema } from "@/lib/killswitch/index.ts";

export const POST = route({
  permission: "halt:global",
  body: resumeSchema,
  handler: ({ principal, body }) => resume({ scope: { kind: "global" }, reason: body.reason, actor: actorOf(principal) }),
});
