import { actorOf } from "@/lib/auth/index.ts";
import { route } from "@/lib/http/index.ts";
import { createRollout, createRolloutSchema, listRollouts } from "@/lib/releases/index.ts";

/** The agent's rollouts, newest first (the active one with live guards). */
export const GET = route({ permission: "read", handler: async ({ params }) => ({ rollouts: await listRollouts(params.id!) }) });

/** Starts a canary or an experiment: 201 {rollout}. */
export const POST = route({
  permission: "agents:write",
  body: createRolloutSchema,
  status: 201,
  handler: async ({ principal, body, params }) => ({
    rollout: await createRollout({ agentId: params.id!, input: body, actor: actorOf(principal), createdBy: principal.email, createdById: principal.userId }),
  }),
});
