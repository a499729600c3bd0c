import { z } from "zod";
import type { ApiOperation } from "../openapi/index.ts";

/** The dashboard's overview (`Overview`, overview.ts); open for its many panels. */
export const overviewAnswerSchema = z.looseObject({ generatedAt: z.iso.datetime() });

/** The dashboard's home figures. */
export const overviewApi: ApiOperation[] = [
  {
    method: "get",
    path: "/api/overview",
    operationId: "overview",
    tag: "Overview",
    auth: "user",
    permission: "read",
    summary: "Decisions per minute, the last hour's mix, busy agents, fired policies, halts",
    responses: { 200: { description: "The overview", schema: overviewAnswerSchema } },
  },
];
