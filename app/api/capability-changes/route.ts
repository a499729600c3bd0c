import { route } from "@/lib/http/index.ts";
import { listCapabilityChanges, listCapabilityChangesSchema } from "@/lib/capability-changes/index.ts";

/** Owners' requests to widen their agents' grants (pending by default). */
export const GET = route({ permission: "read", query: listCapabilityChangesSchema, handler: async ({ query }) => ({ changes: await listCapabilityChanges(query) }) });
