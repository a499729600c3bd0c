import { route } from "@/lib/http/index.ts";
import { assertKey, knowledgeRecordHistory } from "@/lib/knowledge/index.ts";

/** Every value the record has had, with its provenance. */
export const GET = route({ permission: "read", handler: async ({ params }) => knowledgeRecordHistory(params.set!, assertKey(params.key!)) });
