import { z } from "zod";
import type { ApiOperation } from "../openapi/index.ts";
import { haltSchema, resumeSchema } from "./halt.ts";

/** `HaltResult` (halt.ts) as a schema: the answer of every halt and resume. */
export const haltResultSchema = z.object({
  scope: z.enum(["agent", "cohort", "global"]),
  target: z.string().describe("The agent's or cohort's name, or \"everything\""),
  status: z.enum(["halted", "active"]),
  reason: z.string().nullable(),
  rejectedPending: z.number().int().describe("Pending actions the halt rejected"),
});

/** `GET /api/halt` */
const ownHalts = {
  cohortsHalted: z.number().int().describe("Cohorts halted on their own switch"),
  agentsHalted: z.number().int().describe("Agents halted on their own switch"),
};
export const globalHaltAnswerSchema = z.union([
  z.object({ status: z.literal("active"), ...ownHalts }),
  z.object({ status: z.literal("halted"), reason: z.string().nullable(), haltedAt: z.iso.datetime(), haltedBy: z.string().nullable().describe("Who halted everything (their e-mail)"), ...ownHalts }),
]);

const halted = { scope: "cohort", target: "pricing", status: "halted", reason: "runaway discounts", rejectedPending: 2 };
const resumed = { scope: "cohort", target: "pricing", status: "active", reason: null, rejectedPending: 0 };
const HALT_NOTE = "When this answers 200, no covered action is allowed any more on any instance; covered pending actions are rejected. Audited with who and why.";

function switchOps(kind: "agent" | "cohort", param: string, tag: string): ApiOperation[] {
  const base = kind === "agent" ? "/api/agents/{id}" : "/api/cohorts/{name}";
  const Kind = kind === "agent" ? "Agent" : "Cohort";
  return [
    {
      method: "post",
      path: `${base}/halt`,
      operationId: `halt${Kind}`,
      tag,
      auth: "user",
      permission: "agents:halt",
      summary: `Halt the ${kind}`,
      description: HALT_NOTE,
      params: { [param]: kind === "agent" ? "The agent id" : "The cohort's name" },
      body: haltSchema,
      bodyExample: { reason: "runaway discounts" },
      responses: { 200: { description: "Halted", schema: haltResultSchema, example: { ...halted, scope: kind } } },
    },
    {
      method: "post",
      path: `${base}/resume`,
      operationId: `resume${Kind}`,
      tag,
      auth: "user",
      permission: "agents:halt",
      summary: `Resume the ${kind}`,
      params: { [param]: kind === "agent" ? "The agent id" : "The cohort's name" },
      body: resumeSchema,
      bodyExample: { reason: "fixed the discount rule" },
      responses: { 200: { description: "Resumed", schema: haltResultSchema, example: { ...resumed, scope: kind } } },
    },
  ];
}

/** The kill switch routes (halt and resume an agent, a cohort, everything). */
export const killswitchApi: ApiOperation[] = [
  ...switchOps("agent", "id", "Agents"),
  ...switchOps("cohort", "name", "Cohorts"),
  {
    method: "post",
    path: "/api/halt",
    operationId: "haltEverything",
    tag: "Kill switch",
    auth: "user",
    permission: "halt:global",
    summary: "Halt everything",
    description: HALT_NOTE,
    body: haltSchema,
    bodyExample: { reason: "incident 4711" },
    responses: { 200: { description: "Halted", schema: haltResultSchema, example: { ...halted, scope: "global", target: "everything" } } },
  },
  {
    method: "get",
    path: "/api/halt",
    operationId: "globalHaltState",
    tag: "Kill switch",
    auth: "user",
    permission: "read",
    summary: "Whether everything is halted, why, since when and by whom",
    description: "Also counts the cohorts and agents halted on their own switches. The dashboard's halt banner polls it.",
    responses: { 200: { description: "The global switch", schema: globalHaltAnswerSchema, example: { status: "active", cohortsHalted: 1, agentsHalted: 0 } } },
  },
  {
    method: "post",
    path: "/api/resume",
    operationId: "resumeEverything",
    tag: "Kill switch",
    auth: "user",
    permission: "halt:global",
    summary: "Resume everything",
    body: resumeSchema,
    bodyExample: { reason: "incident 4711 closed" },
    responses: { 200: { description: "Resumed", schema: haltResultSchema, example: { ...resumed, scope: "global", target: "everything" } } },
  },
];
