import { z } from "zod";
import type { ApiOperation } from "../openapi/index.ts";
import { auditQuerySchema } from "./query.ts";
import { auditExportQuerySchema, checkpointCheckBodySchema, checkpointListQuerySchema, verifyBodySchema, verifyQuerySchema } from "./route-schemas.ts";

/** `AuditEventView` (query.ts) by its contract fields (API.md); open for fields added later. */
export const auditEventViewSchema = z.looseObject({
  seq: z.union([z.number(), z.string()]),
  at: z.string(),
  actor: z.string().describe("user:<id> | agent:<id> | system"),
  kind: z.string().describe("e.g. action.decided, cohort.halted"),
  subject: z.string(),
  data: z.unknown(),
  prevHash: z.string(),
  hash: z.string(),
});

const verifyOutcome = z.looseObject({ ok: z.boolean() });
const open = z.looseObject({});

/** The audit log: reads, export, chain verification, signed checkpoints. */
export const auditApi: ApiOperation[] = [
  {
    method: "get",
    path: "/api/audit",
    operationId: "listAuditEvents",
    tag: "Audit",
    auth: "user",
    permission: "read",
    summary: "Audit events, newest first, keyset-paged (nextCursor)",
    query: auditQuerySchema,
    responses: { 200: { description: "A page of events", schema: z.object({ events: z.array(auditEventViewSchema), nextCursor: z.string().nullable() }) } },
    errors: ["invalid_cursor"],
  },
  {
    method: "get",
    path: "/api/audit/export",
    operationId: "exportAuditEvents",
    tag: "Audit",
    auth: "user",
    permission: "read",
    summary: "Stream the audit log as JSON lines or CSV",
    query: auditExportQuerySchema,
    responses: {
      200: {
        description: "The events, streamed as an attachment",
        content: { "application/x-ndjson": { schema: z.string().describe("One JSON event per line") }, "text/csv": { schema: z.string() } },
        headers: { "Content-Disposition": "attachment; filename=warden-audit-<time>.<format>" },
      },
    },
  },
  {
    method: "get",
    path: "/api/audit/verify",
    operationId: "lastAuditVerification",
    tag: "Audit",
    auth: "user",
    permission: "read",
    summary: "The last recorded verification of the hash chain (verifies nothing)",
    query: verifyQuerySchema,
    responses: { 200: { description: "`{last: null}`, or the outcome at the top level with `last`", schema: z.union([z.object({ last: z.null() }), verifyOutcome]), example: { last: null } } },
  },
  {
    method: "post",
    path: "/api/audit/verify",
    operationId: "verifyAuditChain",
    tag: "Audit",
    auth: "user",
    permission: "read",
    summary: "Verify the hash chain now and record the outcome (5 a minute per user)",
    body: verifyBodySchema,
    bodyExample: { scope: "incremental" },
    responses: { 200: { description: "`{ok: true, events, head}` or `{ok: false, firstBadSeq, why}`", schema: verifyOutcome, example: { ok: true, events: 1204, head: "9f2c…", scope: "full" } } },
    errors: ["rate_limited"],
  },
  {
    method: "get",
    path: "/api/audit/checkpoints",
    operationId: "listAuditCheckpoints",
    tag: "Audit",
    auth: "user",
    permission: "read",
    summary: "Signed checkpoints, newest first, each with its signature checked",
    query: checkpointListQuerySchema,
    responses: { 200: { description: "A page of checkpoints", schema: z.object({ checkpoints: z.array(open), nextBefore: z.number().int().nullable() }) } },
  },
  {
    method: "post",
    path: "/api/audit/checkpoints/check",
    operationId: "checkAuditCheckpoint",
    tag: "Audit",
    auth: "user",
    permission: "read",
    summary: "Does the log still contain what this signed checkpoint (an outsider's copy) saw? Records nothing",
    body: checkpointCheckBodySchema,
    responses: { 200: { description: "The check (a malformed checkpoint is a failed check)", schema: verifyOutcome } },
  },
];
