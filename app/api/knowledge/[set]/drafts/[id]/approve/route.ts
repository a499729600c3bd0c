import { route } from "@/lib/http/index.ts";
import { approveDraft, decideDraftSchema } from "@/lib/knowledge/index.ts";

/** Publishes the draft as version N+1 (not by its author). */
export const POST = route({
  permission: "knowledge:approve",
  body: decideDraftSchema,
  handler: async ({ principal, params, body }) => ({ published: await approveDraft({ setName: params.set!, draftId: params.id!, by: { userId: principal.userId, email: principal.email }, comment: body.comment }) }),
});
