import { route } from "@/lib/http/index.ts";
import { draftViewQuerySchema, getKnowledgeDraft } from "@/lib/knowledge/index.ts";

/** The draft with its diff against the published version (paged; `?change=added|changed|…`). */
export const GET = route({
  permission: "read",
  query: draftViewQuerySchema,
  handler: async ({ params, query }) => ({ draft: await getKnowledgeDraft({ name: params.set!, id: params.id!, cursor: query.cursor, limit: query.limit, change: query.change }) }),
});
