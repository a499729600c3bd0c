import { route } from "@/lib/http/index.ts";
import { listKnowledgeVersions } from "@/lib/knowledge/index.ts";

export const GET = route({ permission: "read", handler: async ({ params }) => ({ versions: await listKnowledgeVersions(params.set!) }) });
