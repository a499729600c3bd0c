import { route } from "@/lib/http/index.ts";
import { diffKnowledgeVersions, diffQuerySchema } from "@/lib/knowledge/index.ts";

/** What changed between two versions (`?from=A&to=B`, `to` defaults to the current one). */
export const GET = route({
  permission: "read",
  query: diffQuerySchema,
  handler: async ({ params, query }) => diffKnowledgeVersions({ name: params.set!, from: query.from, to: query.to, cursor: query.cursor, limit: query.limit }),
});
