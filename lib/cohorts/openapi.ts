import { z } from "zod";
import type { ApiOperation } from "../openapi/index.ts";

/** `CohortView` (list-cohorts.ts) as a schema. */
export const cohortViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  status: z.enum(["active", "halted", "circuit_open"]).describe("A halt first, then a breaker holding the cohort"),
  haltReason: z.string().optional(),
  circuitReason: z.string().optional().describe("circuit_open: why a breaker holds the cohort"),
  haltedAt: z.iso.datetime().optional(),
  haltedBy: z.string().optional(),
  agents: z.number().int(),
  haltedAgents: z.number().int().describe("Agents halted on their own switch"),
  unrestrictedAgents: z.number().int().describe("Agents without capability grants (shown amber)"),
  createdAt: z.iso.datetime(),
});

/** The cohort routes in the OpenAPI document (halt/resume: lib/killswitch/openapi.ts). */
export const cohortsApi: ApiOperation[] = [
  {
    method: "get",
    path: "/api/cohorts",
    operationId: "listCohorts",
    tag: "Cohorts",
    auth: "user",
    permission: "read",
    summary: "Every cohort with its halt state and agent counts",
    responses: {
      200: {
        description: "The cohorts",
        schema: z.object({ cohorts: z.array(cohortViewSchema) }),
        example: { cohorts: [{ id: "coh_01", name: "pricing", description: "", status: "active", agents: 3, haltedAgents: 0, unrestrictedAgents: 1, createdAt: "2026-11-20T10:00:00.000Z" }] },
      },
    },
  },
];
