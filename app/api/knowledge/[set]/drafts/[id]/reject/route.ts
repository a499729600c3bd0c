import { route } from "@/lib/http/index.ts";
import { decideDraftSchema, rejectDraft } from "@/lib/knowledge/index.ts";

/** Rejects the draft (approvers, admins), or withdraws it (its author). */
export const POST = route({
  permission: "knowledge:propose",
  body: decideDraftSchema,
  handler: async ({ principal, params, body }) => ({ draft: await rejectDraft({ setName: params.set!, draftId: params.id!, by: { userId: principal.userId, email: principal.email }, role: principal.role, comment: body.comment }) }),
});
