import { z } from "zod";
import { anomalyViewSchema } from "../anomalies/index.ts";
import type { ApiOperation } from "../openapi/index.ts";

/** The dashboard's overview (`Overview`, overview.ts); open for its many panels. */
export const overviewAnswerSchema = z.looseObject({
  generatedAt: z.iso.datetime(),
  readFrom: z
    .union([
      z.object({ server: z.literal("replica"), lagMs: z.number().int() }),
      z.object({ server: z.literal("primary"), reason: z.enum(["not_configured", "lagging", "unreachable", "not_standby", "read_failed"]), lagMs: z.number().int().nullable() }),
    ])
    .describe("Where the aggregates were read: the read replica (DATABASE_REPLICA_URL) with its lag, or the primary and why; halts, the queue and containment always come from the primary"),
});

/** `ContainmentSummary` (containment.ts) as a schema: what containment holds and flags now. */
export const containmentAnswerSchema = z.object({
  held: z
    .array(
      z.object({
        breakerId: z.string(),
        name: z.string(),
        state: z.enum(["open", "half_open"]),
        holds: z.object({ kind: z.enum(["agent", "cohort"]), id: z.string(), name: z.string() }),
        openedAt: z.iso.datetime(),
        message: z.string(),
      }),
    )
    .describe("Breakers holding an agent or a cohort, most recent first"),
  anomalies: z.object({
    last24h: z.number().int(),
    recent: z.array(anomalyViewSchema).describe("The five newest"),
    byAgent: z.record(z.string(), z.number().int()).describe("Alerts per agent id"),
    byCohort: z.record(z.string(), z.number().int()).describe("Alerts per cohort"),
  }),
  unrestricted: z.array(z.object({ id: z.string(), name: z.string(), cohort: z.string() })).describe("Agents without capability grants (shown amber)"),
  pendingGrantChanges: z.number().int(),
});

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
  {
    method: "get",
    path: "/api/containment",
    operationId: "containmentSummary",
    tag: "Containment",
    auth: "user",
    permission: "read",
    summary: "What containment holds and flags now: open breakers, recent unusual access, unrestricted agents, pending grant requests",
    responses: {
      200: {
        description: "The summary",
        schema: containmentAnswerSchema,
        example: {
          held: [{ breakerId: "brk_01JD7", name: "pricing-deny-spike", state: "open", holds: { kind: "cohort", id: "pricing", name: "pricing" }, openedAt: "2026-11-29T18:40:00.000Z", message: "deny rate 31 % over the last 5 min (42 samples), above its threshold of 20 %" }],
          anomalies: { last24h: 0, recent: [], byAgent: {}, byCohort: {} },
          unrestricted: [{ id: "agt_01JD8", name: "report-bot", cohort: "reporting" }],
          pendingGrantChanges: 1,
        },
      },
    },
  },
];
