import { z } from "zod";
import type { ApiOperation } from "../openapi/index.ts";
import { teamInputSchema, teamUpdateSchema } from "./schemas.ts";

/** `TeamView` (present.ts) as a schema. */
export const teamViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  description: z.string(),
  members: z.array(z.object({ id: z.string(), email: z.string(), name: z.string(), role: z.string() })),
  cohorts: z.array(z.string()),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});

const team = { id: "team_01", name: "pricing-approvers", description: "", members: [{ id: "usr_02", email: "bo@maison.example", name: "Bo", role: "approver" }], cohorts: ["pricing"], createdAt: "2026-11-20T10:00:00.000Z", updatedAt: "2026-11-20T10:00:00.000Z" };

/** Approver teams (escalation routing). */
export const teamsApi: ApiOperation[] = [
  {
    method: "get",
    path: "/api/teams",
    operationId: "listTeams",
    tag: "Teams",
    auth: "user",
    permission: "read",
    summary: "Approver teams",
    responses: { 200: { description: "The teams", schema: z.object({ teams: z.array(teamViewSchema) }), example: { teams: [team] } } },
  },
  {
    method: "post",
    path: "/api/teams",
    operationId: "createTeam",
    tag: "Teams",
    auth: "user",
    permission: "users:write",
    summary: "Create a team",
    body: teamInputSchema,
    bodyExample: { name: "pricing-approvers", members: ["bo@maison.example"], cohorts: ["pricing"] },
    responses: { 201: { description: "Created", schema: z.object({ team: teamViewSchema }), example: { team } } },
    errors: ["team_exists", "unknown_user", "unknown_cohort", "member_cannot_approve", "cohort_has_team"],
  },
  {
    method: "get",
    path: "/api/teams/{id}",
    operationId: "getTeam",
    tag: "Teams",
    auth: "user",
    permission: "read",
    summary: "One team",
    responses: { 200: { description: "The team", schema: z.object({ team: teamViewSchema }), example: { team } } },
  },
  {
    method: "put",
    path: "/api/teams/{id}",
    operationId: "updateTeam",
    tag: "Teams",
    auth: "user",
    permission: "users:write",
    summary: "Replace a team's name, description, members and cohorts",
    body: teamUpdateSchema,
    bodyExample: { name: "pricing-approvers", members: ["bo@maison.example", "cy@maison.example"], cohorts: ["pricing"] },
    responses: { 200: { description: "The team", schema: z.object({ team: teamViewSchema }), example: { team } } },
    errors: ["team_exists", "unknown_user", "unknown_cohort", "member_cannot_approve", "cohort_has_team", "team_too_small", "team_in_use"],
  },
];
