import { agentsApi } from "../agents/index.ts";
import { anomaliesApi } from "../anomalies/index.ts";
import { approvalsApi } from "../approvals/index.ts";
import { auditApi } from "../audit/index.ts";
import { breakersApi } from "../breakers/index.ts";
import { budgetsApi } from "../budgets/index.ts";
import { capabilityChangesApi } from "../capability-changes/index.ts";
import { authApi } from "../auth/index.ts";
import { cohortsApi } from "../cohorts/index.ts";
import { dataPlaneApi } from "../dataplane/index.ts";
import { decisionsApi } from "../decisions/index.ts";
import { killswitchApi } from "../killswitch/index.ts";
import { knowledgeApi } from "../knowledge/index.ts";
import { overviewApi } from "../overview/index.ts";
import { policiesApi } from "../policies/index.ts";
import { redactionApi } from "../redaction/index.ts";
import { releasesApi } from "../releases/index.ts";
import { signingApi } from "../signing/index.ts";
import { teamsApi } from "../teams/index.ts";
import { tokensApi } from "../tokens/index.ts";
import { usersApi } from "../users/index.ts";
import { webhooksApi } from "../webhooks/index.ts";
import { buildOpenApiDocument, type OpenApiDocument } from "./build-document.ts";
import { platformApi } from "./platform.ts";
import type { ApiOperation } from "./types.ts";

/**
 * Every area's entries, one line per lib area. A new area (budgets, breakers, releases…)
 * exports `<area>Api: ApiOperation[]` from its index.ts and is listed here once.
 */
export function apiOperations(): ApiOperation[] {
  return [
    ...dataPlaneApi,
    ...agentsApi,
    ...killswitchApi,
    ...cohortsApi,
    ...releasesApi,
    ...budgetsApi,
    ...breakersApi,
    ...capabilityChangesApi,
    ...anomaliesApi,
    ...decisionsApi,
    ...approvalsApi,
    ...policiesApi,
    ...knowledgeApi,
    ...auditApi,
    ...teamsApi,
    ...usersApi,
    ...tokensApi,
    ...authApi,
    ...webhooksApi,
    ...redactionApi,
    ...signingApi,
    ...overviewApi,
    ...platformApi,
  ];
}

const INFO = {
  title: "Warden HTTP API",
  version: "1",
  description: [
    "Warden is the operations layer between AI agents and the business systems they act on.",
    "",
    "- **Data plane** `/v1/*` — called by agents before every consequential action. Auth: `Authorization: Bearer <agent key>`.",
    "- **Control plane** `/api/*` — the dashboard and automation. Auth: a personal API token (`Authorization: Bearer wdt_…`) or the dashboard's session cookie (state-changing requests must be same-origin).",
    "",
    'Every error is `{"error": {"code", "message", "details"?}}`; each operation lists the codes it can answer, by status. Generated from the zod schemas the routes validate with.',
  ].join("\n"),
};

let cached: OpenApiDocument | undefined;

/**
 * The OpenAPI 3.1 document of this Warden (built once per process, then reused: the
 * entries are static). Served at `GET /api/openapi.json`.
 */
export function openApiDocument(): OpenApiDocument {
  cached ??= buildOpenApiDocument(INFO, apiOperations());
  return cached;
}
