import { z } from "zod";
import { capabilitiesSchema, capabilitySchema } from "./schema.ts";

/**
 * `CapabilityChangeView` (lib/capability-changes changes.ts) as a schema: a request to widen an
 * agent's grants, as the API answers it (GET /api/capability-changes, and PATCH
 * /api/agents/{id}'s 202). Kept here, beside the grants' own shape, so both lib/agents and
 * lib/capability-changes (which imports lib/agents) can name it without an import cycle.
 */
export const capabilityChangeViewSchema = z.object({
  id: z.string(),
  agentId: z.string(),
  agentName: z.string(),
  status: z.enum(["pending", "confirmed", "rejected", "superseded"]),
  before: capabilitiesSchema.describe("null = unrestricted"),
  after: capabilitiesSchema,
  added: z.union([z.array(capabilitySchema), z.literal("everything")]).describe('The grants after adds to before ("everything" when it makes the agent unrestricted)'),
  requestedBy: z.string().describe("Who asked (email)"),
  reason: z.string(),
  decidedBy: z.string().nullable(),
  comment: z.string(),
  createdAt: z.iso.datetime(),
  decidedAt: z.iso.datetime().nullable(),
});
