import { route } from "@/lib/http/index.ts";
import { getRollout } from "@/lib/releases/index.ts";

/** A rollout: status, step, share, each guard (candidate vs baseline, interval, verdict), why it ended. */
export const GET = route({ permission: "read", handler: async ({ params }) => getRollout(params.id!) });
