import { actorOf } from "@/lib/auth/index.ts";
import { route } from "@/lib/http/index.ts";
import { deleteWebhook } from "@/lib/webhooks/index.ts";

export const DELETE = route({
  permission: "settings:write",
  handler: async ({ principal, params }) => {
    await deleteWebhook({ id: params.id!, actor: actorOf(principal) });
    return { deleted: true };
  },
});
