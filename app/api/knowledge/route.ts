import { route } from "@/lib/http/index.ts";
import { createKnowledgeSet, createSetSchema, listKnowledgeSets } from "@/lib/knowledge/index.ts";

export const GET = route({ permission: "read", handler: async () => ({ sets: await listKnowledgeSets() }) });

/** A new knowledge set (no version until its first draft is approved). */
export const POST = route({
  permission: "knowledge:manage",
  body: createSetSchema,
  status: 201,
  handler: async ({ principal, body }) => ({ set: await createKnowledgeSet({ input: body, by: { userId: principal.userId, email: principal.email } }) }),
});
