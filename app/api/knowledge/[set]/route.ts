import { route } from "@/lib/http/index.ts";
import { readKnowledgeSet, setQuerySchema, updateKnowledgeSet, updateSetSchema } from "@/lib/knowledge/index.ts";

/** A version's records (the current one unless `?version=N`), paged by key. */
export const GET = route({
  permission: "read",
  query: setQuerySchema,
  handler: async ({ params, query }) => readKnowledgeSet({ name: params.set!, version: query.version, cursor: query.cursor, limit: query.limit, prefix: query.prefix, stale: query.stale }),
});

/** Description, owner, schema, readers or freshness. */
export const PATCH = route({
  permission: "knowledge:manage",
  body: updateSetSchema,
  handler: async ({ principal, params, body }) => ({ set: await updateKnowledgeSet({ setName: params.set!, input: body, by: { userId: principal.userId, email: principal.email } }) }),
});
