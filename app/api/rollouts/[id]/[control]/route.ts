import { actorOf } from "@/lib/auth/index.ts";
import { notFound, route } from "@/lib/http/index.ts";
import { controlRollout, CONTROLS, rolloutControlSchema, type Control } from "@/lib/releases/index.ts";

/** POST /api/rollouts/{id}/pause | resume | rollback | promote | end  {reason} → the rollout. */
export const POST = route({
  permission: "agents:write",
  body: rolloutControlSchema,
  handler: async ({ principal, body, params }) => {
    const control = params.control as Control;
    if (!CONTROLS.includes(control)) throw notFound(`Rollout control ${params.control}`);
    return controlRollout({ id: params.id!, control, reason: body.reason, actor: actorOf(principal), by: principal.email });
  },
});
