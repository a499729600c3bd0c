import { route } from "@/lib/http/index.ts";
import { getRollout, rolloutPoints } from "@/lib/releases/index.ts";

/** The guard job's evaluations of a rollout, oldest first (the dashboard's live charts). */
export const GET = route({
  permission: "read",
  handler: async ({ params }) => {
    await getRollout(params.id!);
    return { points: await rolloutPoints(params.id!) };
  },
});
