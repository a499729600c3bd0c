import { actionAnswerSchema } from "../actions/index.ts";
import { agentSelfAnswerSchema } from "../agents/index.ts";
import { actionRequestSchema, resultAnswerSchema, resultSchema, waitQuerySchema } from "../decisions/index.ts";
import { agentRecordAnswerSchema, agentSinceAnswerSchema, sinceQuerySchema } from "../knowledge/index.ts";
import type { ApiOperation } from "../openapi/index.ts";
import { releaseAnswerSchema, releaseQuerySchema } from "../releases/index.ts";

const pendingAnswer = {
  id: "act_01JD7Q3M9N",
  decision: "pending",
  status: "pending",
  reasons: [{ code: "policy", policyId: "pol_flagship", policyName: "flagship-price-floor", policyVersion: 3, effect: "require_approval", message: "Flagship prices need a human below 100" }],
  shadow: [],
  expiresAt: "2026-11-29T19:00:00.000Z",
};

const allowedAnswer = {
  id: "act_01JD7Q3M9P",
  decision: "allow",
  status: "allowed",
  reasons: [{ code: "default", message: "No policy objected" }],
  shadow: [],
  receipt: {
    kid: "RGV-LbYssvIgkGLtu0h6BzxU2Shnm8yrzPy4nQHtZCg",
    alg: "Ed25519",
    payload: {
      type: "warden.decision.receipt",
      v: 1,
      actionId: "act_01JD7Q3M9P",
      agentId: "agt_01JD7",
      action: "catalog.read",
      resource: "sku:LUX-001",
      inputHash: "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a",
      decision: "allow",
      status: "allowed",
      policyVersions: [{ policyId: "pol_flagship", version: 3, matched: false }],
      knowledge: [],
      approvers: [],
      time: "2026-11-29T18:50:00.000Z",
    },
    signature: "CzqCGVHti90MdJqKaSQhhvvGokrics4Txdbty4qiGbVJULiXfTizi_zy7hnXCBmlCS5BB392bvtfgiy2kAI0Bg",
  },
};

const knowledgeRecord = {
  set: "price-floors",
  version: 7,
  key: "LUX-001",
  value: { floor: 95 },
  source: "erp://pricing/floors",
  updatedAt: "2026-11-20T10:00:00.000Z",
  since: 7,
  proposedBy: "ana@maison.example",
  approvedBy: "bo@maison.example",
  effectiveFrom: null,
  expiresAt: null,
  stale: false,
};

/**
 * The data plane's entries in the OpenAPI document (lib/openapi), one per route of router.ts:
 * the schemas are the ones the router parses with. A new `/v1` route gets its entry here.
 */
export const dataPlaneApi: ApiOperation[] = [
  {
    method: "post",
    path: "/v1/actions",
    operationId: "askAction",
    tag: "Agents: decisions",
    auth: "agent",
    summary: "Ask before acting",
    description:
      "The decision and its audit record are committed before the answer. The same `idempotencyKey` (or `Idempotency-Key` header) from the same agent answers the first answer again; with a different body, 409 `idempotency_conflict`. `wait` (0..60 s) long-polls while pending. Each worker decides at most `WARDEN_DECISION_CONCURRENCY` actions at once and lets `WARDEN_DECISION_QUEUE` wait; beyond that, 503 `unavailable` with Retry-After at once (nothing recorded: retry with the same key).",
    body: actionRequestSchema,
    bodyExample: { action: "pricing.set_price", resource: "sku:LUX-001", input: { sku: "LUX-001", price: 89.5 }, context: { reason: "competitor drop" }, idempotencyKey: "b1c7e0", wait: 0 },
    responses: { 200: { description: "The decision, with its signed receipt (verify with GET /api/keys/receipts)", schema: actionAnswerSchema, example: allowedAnswer } },
    errors: ["idempotency_conflict", "knowledge_not_granted", "rate_limited", "pii_scan_too_costly"],
  },
  {
    method: "get",
    path: "/v1/actions/{id}",
    operationId: "readAction",
    tag: "Agents: decisions",
    auth: "agent",
    summary: "The current answer for one of the agent's actions",
    description: "`wait` (0..60 s) long-polls while pending. Another agent's action answers 404.",
    params: { id: "The action id (act_…)" },
    query: waitQuerySchema,
    responses: { 200: { description: "The answer", schema: actionAnswerSchema, example: { ...pendingAnswer, decision: "allow", status: "approved", expiresAt: undefined } } },
  },
  {
    method: "post",
    path: "/v1/actions/{id}/result",
    operationId: "reportResult",
    tag: "Agents: decisions",
    auth: "agent",
    summary: "Report what happened",
    description: "Only for allowed/approved actions, once (409 `result_already_reported` after). Post-stage policies run on it and may flag it.",
    params: { id: "The action id (act_…)" },
    body: resultSchema,
    bodyExample: { status: "succeeded", output: { applied: true } },
    responses: { 200: { description: "Recorded, with any flags raised by post-stage policies", schema: resultAnswerSchema, example: { id: "act_01JD7Q3M9N", flags: [] } } },
    errors: ["action_not_allowed", "result_already_reported", "modified_input_denied"],
  },
  {
    method: "get",
    path: "/v1/knowledge/{set}",
    operationId: "readKnowledgeChanges",
    tag: "Agents: knowledge",
    auth: "agent",
    summary: "Records of a knowledge set changed since a version",
    description: "Upserts with the record, deletes with the key, in key order, paged by `cursor`. The version is the ETag: `If-None-Match` with it answers 304.",
    params: { set: "The knowledge set's name" },
    query: sinceQuerySchema,
    responses: {
      200: {
        description: "The changes",
        schema: agentSinceAnswerSchema,
        headers: { ETag: "The version read", "X-Warden-Knowledge-Version": "The version number" },
        example: { set: "price-floors", version: 7, since: 6, changes: [{ key: "LUX-001", op: "upsert", record: { ...knowledgeRecord, set: undefined, version: undefined } }], nextCursor: null },
      },
      304: { description: "Not modified: the client already holds this version" },
    },
    errors: ["knowledge_not_granted", "since_in_future", "invalid_cursor"],
  },
  {
    method: "get",
    path: "/v1/knowledge/{set}/{key}",
    operationId: "readKnowledgeRecord",
    tag: "Agents: knowledge",
    auth: "agent",
    summary: "One record of a knowledge set's current version",
    description: "The key may contain `/`. The version is the ETag: `If-None-Match` with it answers 304.",
    params: { set: "The knowledge set's name", key: "The record's key (percent-encoded)" },
    responses: {
      200: { description: "The record with its provenance", schema: agentRecordAnswerSchema, headers: { ETag: "The version read", "X-Warden-Knowledge-Version": "The version number" }, example: knowledgeRecord },
      304: { description: "Not modified: the client already holds this version" },
    },
    errors: ["knowledge_not_granted", "invalid_key"],
  },
  {
    method: "get",
    path: "/v1/agent",
    operationId: "whoAmI",
    tag: "Agents: decisions",
    auth: "agent",
    summary: "Who am I",
    description: "Read fresh: a halted agent (or cohort, or global halt) reads `halted` here at once, an agent held by an open breaker `circuit_open` with `circuitReason` and `breaker`. `capabilities`: null = unrestricted, [] = nothing granted.",
    responses: {
      200: {
        description: "The calling agent",
        schema: agentSelfAnswerSchema,
        example: { id: "agt_01JD7", name: "price-bot", cohort: "pricing", owner: "pricing-team@maison.example", riskTier: "high", status: "active", capabilities: [{ action: "pricing.*" }] },
      },
    },
  },
  {
    method: "get",
    path: "/v1/agent/release",
    operationId: "agentRelease",
    tag: "Agents: releases",
    auth: "agent",
    summary: "The version and config this agent runs for a routing key",
    description:
      "During a running or paused rollout the candidate for the keys whose bucket falls under the step's share, the baseline for the others; otherwise the current version (null before any is registered). Sticky per rollout step on every instance. The ETag names version, config and rollout step: `If-None-Match` with it answers 304.",
    query: releaseQuerySchema,
    responses: {
      200: {
        description: "The release for this key",
        schema: releaseAnswerSchema,
        headers: { ETag: "Version, config and rollout step" },
        example: { version: "2026.11.3", config: { model: "gpt-x", tone: { style: "warm" } }, rollout: "rol_01JD7", step: 2, share: 25 },
      },
      304: { description: "Not modified: the agent already holds this release" },
    },
  },
];
