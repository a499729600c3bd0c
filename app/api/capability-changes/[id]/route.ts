import { route } from "@/lib/http/index.ts";
import { capabilityDecisionSchema, decideCapabilityChange } from "@/lib/capability-changes/index.ts";

/** A second person confirms or rejects a request to widen an agent's grants. */
export const POST = route({
  permission: "agents:write",
  body: capabilityDecisionSchema,
  handler: async ({ principal, body, params }) => ({ change: await decideCapabilityChange({ changeId: params.id!, principal, input: body }) }),
});
