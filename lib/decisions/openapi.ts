import { z } from "zod";
import { approvalOutcomeSchema } from "../actions/index.ts";
import type { ApiOperation } from "../openapi/index.ts";
import { listActionsSchema } from "./list-actions.ts";

// ActionView (list-actions.ts) is documented by its stable fields; open for the rest.
const actionView = z.looseObject({
  id: z.string(),
  action: z.string(),
  status: z.string(),
  outcome: approvalOutcomeSchema.nullable().describe("An action that waited for people, once settled: how it ended; else null"),
});

/** The dashboard's view of recorded actions (agents use /v1). */
export const decisionsApi: ApiOperation[] = [
  {
    method: "get",
    path: "/api/actions",
    operationId: "listActions",
    tag: "Actions",
    auth: "user",
    permission: "read",
    summary: "Recorded actions, newest first, filtered and paged",
    query: listActionsSchema,
    responses: { 200: { description: "A page of actions", schema: z.looseObject({ actions: z.array(actionView) }) } },
    errors: ["invalid_cursor"],
  },
  {
    method: "get",
    path: "/api/actions/{id}",
    operationId: "getAction",
    tag: "Actions",
    auth: "user",
    permission: "read",
    summary: "One action with its reasons, votes and result",
    responses: { 200: { description: "The action", schema: z.object({ action: actionView }) } },
  },
];
