import { actorOf } from "@/lib/auth/index.ts";
import { route } from "@/lib/http/index.ts";
import { createWebhook, createWebhookSchema, listWebhooks } from "@/lib/webhooks/index.ts";

export const GET = route({ permission: "settings:write", handler: async () => ({ webhooks: await listWebhooks() }) });

export const POST = route({
  permission: "settings:write",
  body: createWebhookSchema,
  status: 201,
  handler: ({ principal, body }) => createWebhook({ input: body, actor: actorOf(principal), userId: principal.userId }),
});
