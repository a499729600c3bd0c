import { z } from "zod";
import type { ApiOperation } from "./types.ts";

/** `GET /api/health` */
export const healthAnswerSchema = z.object({
  ok: z.boolean(),
  db: z.enum(["up", "down"]),
  service: z.literal("warden").describe("always `warden`: tells Warden from anything else answering on a port"),
  instance: z.string().describe("this start's instance id (`ins_…`), new on each start, the same in every worker; also in `<data dir>/runtime.json`"),
  replica: z
    .object({
      state: z.enum(["streaming", "lagging", "unreachable", "not_standby"]),
      lagMs: z.number().int().nullable(),
      maxLagMs: z.number().int(),
      replayPaused: z.boolean(),
      checkedAt: z.iso.datetime().nullable(),
    })
    .optional()
    .describe("The read replica (DATABASE_REPLICA_URL), when configured: `streaming` serves the dashboard's reads; otherwise they go to the primary"),
});

/** Routes that belong to no domain area: health, and this document itself. */
export const platformApi: ApiOperation[] = [
  {
    method: "get",
    path: "/api/health",
    operationId: "health",
    tag: "Platform",
    auth: "none",
    summary: "Is this instance up, and can it reach its database",
    responses: {
      200: { description: "Up", schema: healthAnswerSchema, example: { ok: true, db: "up", service: "warden", instance: "ins_Xr4p0QwZ2k1m" } },
      503: { description: "The database is down", schema: healthAnswerSchema, example: { ok: false, db: "down", service: "warden", instance: "ins_Xr4p0QwZ2k1m" } },
    },
  },
  {
    method: "get",
    path: "/api/openapi.json",
    operationId: "openApiDocument",
    tag: "Platform",
    auth: "none",
    summary: "This OpenAPI 3.1 document",
    responses: { 200: { description: "The document", content: { "application/json": { schema: z.looseObject({ openapi: z.literal("3.1.0") }) } } } },
  },
];
