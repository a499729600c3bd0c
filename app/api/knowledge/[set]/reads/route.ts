import { route } from "@/lib/http/index.ts";
import { findSet, listKnowledgeReads } from "@/lib/knowledge/index.ts";

/** Who read which version, how often. */
export const GET = route({ permission: "read", handler: async ({ params }) => ({ reads: await listKnowledgeReads((await findSet(params.set!)).id) }) });
