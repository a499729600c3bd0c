import { z } from "zod";
import { capabilityChangeViewSchema } from "../grants/index.ts";
import type { ApiOperation } from "../openapi/index.ts";
import { capabilityDecisionSchema, listCapabilityChangesSchema } from "./set-capabilities.ts";

const change = {
  id: "cap_01JD7",
  agentId: "agt_01JD7",
  agentName: "price-bot",
  status: "pending",
  before: [{ action: "pricing.read" }],
  after: [{ action: "pricing.read" }, { action: "pricing.set_price", resources: ["sku:LUX-*"] }],
  added: [{ action: "pricing.set_price", resources: ["sku:LUX-*"] }],
  requestedBy: "ana@maison.example",
  reason: "the luxury line moves to the bot",
  decidedBy: null,
  comment: "",
  createdAt: "2026-11-29T17:00:00.000Z",
  decidedAt: null,
};

/** The four-eyes requests to widen agents' grants. */
export const capabilityChangesApi: ApiOperation[] = [
  {
    method: "get",
    path: "/api/capability-changes",
    operationId: "listCapabilityChanges",
    tag: "Containment",
    auth: "user",
    permission: "read",
    summary: "Owners' requests to widen their agents' grants (pending by default)",
    query: listCapabilityChangesSchema,
    responses: { 200: { description: "The requests", schema: z.object({ changes: z.array(capabilityChangeViewSchema) }), example: { changes: [change] } } },
  },
  {
    method: "post",
    path: "/api/capability-changes/{id}",
    operationId: "decideCapabilityChange",
    tag: "Containment",
    auth: "user",
    permission: "agents:write",
    summary: "A second person confirms or rejects a request to widen an agent's grants",
    description: "Neither the requester nor an owner of the agent may decide it. A request made against grants that have changed since is refused (409 `capabilities_changed`) and marked superseded.",
    params: { id: "The request id" },
    body: capabilityDecisionSchema,
    bodyExample: { decision: "confirm", comment: "checked with pricing" },
    responses: { 200: { description: "The decided request", schema: z.object({ change: capabilityChangeViewSchema }), example: { change: { ...change, status: "confirmed", decidedBy: "bo@maison.example", comment: "checked with pricing", decidedAt: "2026-11-29T17:30:00.000Z" } } } },
    errors: ["capability_change_decided", "capabilities_changed", "second_person_required", "owner_cannot_approve_alone"],
  },
];
