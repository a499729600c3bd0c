import { z } from "zod";
import type { ApiOperation } from "../openapi/index.ts";
import { redactionRulesSchema } from "./rules.ts";
import { redactionPreviewSchema } from "./preview-schema.ts";

/** `RedactionSettings` (rules-cache.ts) as a schema; the rules as their own schema's output. */
export const redactionSettingsSchema = z.object({ rules: redactionRulesSchema, updatedAt: z.iso.datetime().nullable(), updatedBy: z.string().nullable() });

/** What is redacted before storage, and a preview of draft rules. */
export const redactionApi: ApiOperation[] = [
  {
    method: "get",
    path: "/api/settings/redaction",
    operationId: "redactionSettings",
    tag: "Settings",
    auth: "user",
    permission: "read",
    summary: "The redaction rules in force",
    responses: { 200: { description: "The settings", schema: redactionSettingsSchema } },
  },
  {
    method: "put",
    path: "/api/settings/redaction",
    operationId: "updateRedactionRules",
    tag: "Settings",
    auth: "user",
    permission: "settings:write",
    summary: "Replace the redaction rules (audited; every instance reloads at once)",
    body: redactionRulesSchema,
    responses: { 200: { description: "The settings", schema: redactionSettingsSchema } },
  },
  {
    method: "post",
    path: "/api/settings/redaction/preview",
    operationId: "previewRedaction",
    tag: "Settings",
    auth: "user",
    permission: "settings:write",
    summary: "What would be stored for a sample under draft rules (stores nothing)",
    body: redactionPreviewSchema,
    responses: {
      200: {
        description: "The redacted sample and what was redacted",
        schema: z.object({ input: z.unknown(), context: z.unknown(), output: z.unknown(), error: z.string().nullable(), redactions: z.array(z.looseObject({})) }),
      },
    },
  },
];
