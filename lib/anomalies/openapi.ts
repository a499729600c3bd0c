import { z } from "zod";
import type { ApiOperation } from "../openapi/index.ts";
import { ANOMALY_KINDS } from "./detect.ts";
import { listAnomaliesSchema } from "./list.ts";
import { anomalySettingsSchema } from "./settings.ts";

/** `AnomalyView` (list.ts) as a schema: one unusual-access alert. */
export const anomalyViewSchema = z.object({
  id: z.string(),
  agentId: z.string(),
  agentName: z.string(),
  cohort: z.string(),
  kind: z.enum(ANOMALY_KINDS),
  subject: z.string().describe("The new action or resource kind, or what the volume counts"),
  value: z.number(),
  baseline: z.number().describe("The agent's usual value (e.g. its 7-day hourly p99)"),
  explanation: z.string(),
  breakersOpened: z.array(z.string()).describe("Breakers with openOnAnomaly this alert opened"),
  hour: z.iso.datetime().describe("The hour it was seen in"),
  detectedAt: z.iso.datetime(),
});

/** `GET /api/anomalies` */
export const anomalyListAnswerSchema = z.object({ anomalies: z.array(anomalyViewSchema) });

/** `GET`/`PUT /api/settings/anomalies`: the settings with when they were last saved (null: the defaults). */
export const anomalySettingsAnswerSchema = z.object({
  factor: z.number(),
  minVolume: z.number().int(),
  minHistoryHours: z.number().int(),
  updatedAt: z.iso.datetime().nullable(),
});

const anomaly = {
  id: "anm_01JD7",
  agentId: "agt_01JD7",
  agentName: "price-bot",
  cohort: "pricing",
  kind: "records_per_hour",
  subject: "customer",
  value: 1240,
  baseline: 96,
  explanation: "price-bot read 1,240 customer records this hour; its 7-day hourly p99 is 96",
  breakersOpened: [],
  hour: "2026-11-29T18:00:00.000Z",
  detectedAt: "2026-11-29T18:41:00.000Z",
};

/** The unusual-access routes (alerts and their settings). */
export const anomaliesApi: ApiOperation[] = [
  {
    method: "get",
    path: "/api/anomalies",
    operationId: "listAnomalies",
    tag: "Containment",
    auth: "user",
    permission: "read",
    summary: "Unusual-access alerts of the last `hours` (default 24), newest first",
    query: listAnomaliesSchema,
    responses: { 200: { description: "The alerts (at most 200)", schema: anomalyListAnswerSchema, example: { anomalies: [anomaly] } } },
  },
  {
    method: "get",
    path: "/api/settings/anomalies",
    operationId: "anomalySettings",
    tag: "Settings",
    auth: "user",
    permission: "read",
    summary: "Unusual-access detection settings",
    responses: { 200: { description: "The settings", schema: anomalySettingsAnswerSchema, example: { factor: 5, minVolume: 50, minHistoryHours: 24, updatedAt: null } } },
  },
  {
    method: "put",
    path: "/api/settings/anomalies",
    operationId: "updateAnomalySettings",
    tag: "Settings",
    auth: "user",
    permission: "settings:write",
    summary: "Save the unusual-access detection settings",
    description: "An hourly volume is unusual above `factor` × the agent's 7-day hourly p99 and at least `minVolume`; an agent needs `minHistoryHours` of history before anything it does counts as new. Audited as `settings.updated`.",
    body: anomalySettingsSchema,
    bodyExample: { factor: 4, minVolume: 100, minHistoryHours: 48 },
    responses: { 200: { description: "The settings", schema: anomalySettingsAnswerSchema, example: { factor: 4, minVolume: 100, minHistoryHours: 48, updatedAt: "2026-11-29T18:00:00.000Z" } } },
  },
];
