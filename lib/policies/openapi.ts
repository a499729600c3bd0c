import { z } from "zod";
import type { ApiOperation } from "../openapi/index.ts";
import { policyTestSchema } from "./test-policy.ts";
import { policySpecSchema, policyUpdateSchema } from "./types.ts";
import { validateConditionSchema } from "./validate-schema.ts";

// PolicyView (present.ts) is documented by its stable fields; the schema stays open (more
// fields may appear) until the presenter gets a schema of its own.
const policyView = z.looseObject({ id: z.string(), name: z.string(), enabled: z.boolean(), version: z.number().int() });
const policyAnswer = z.object({ policy: policyView });
const conditionError = z.object({ message: z.string(), position: z.number().int().nullable(), line: z.number().int().nullable(), column: z.number().int().nullable() });

const spec = {
  name: "flagship-price-floor",
  description: "Flagship prices need a human below 100",
  stage: "pre",
  effect: "require_approval",
  mode: "enforce",
  target: { cohorts: ["pricing"], agents: [], actions: ["pricing.*"] },
  condition: "'flagship' in input.tags && input.price < 100.0",
  priority: 100,
  message: "Flagship prices need a human below 100",
  approval: { quorum: 1, timeoutSeconds: 3600 },
};
const policy = { id: "pol_01", ...spec, enabled: true, version: 1 };

/** Policies: CRUD with versions, enable/disable, dry runs, and the editor's condition check. */
export const policiesApi: ApiOperation[] = [
  {
    method: "get",
    path: "/api/policies",
    operationId: "listPolicies",
    tag: "Policies",
    auth: "user",
    permission: "read",
    summary: "Every policy",
    responses: { 200: { description: "The policies", schema: z.object({ policies: z.array(policyView) }), example: { policies: [policy] } } },
  },
  {
    method: "post",
    path: "/api/policies",
    operationId: "createPolicy",
    tag: "Policies",
    auth: "user",
    permission: "policies:write",
    summary: "Create a policy",
    description: "A CEL error answers 400 `invalid_condition` with where it is.",
    body: policySpecSchema,
    bodyExample: spec,
    responses: { 201: { description: "Created", schema: policyAnswer, example: { policy } } },
    errors: ["invalid_condition", "condition_too_expensive", "policy_exists", "unknown_team"],
  },
  {
    method: "get",
    path: "/api/policies/{id}",
    operationId: "getPolicy",
    tag: "Policies",
    auth: "user",
    permission: "read",
    summary: "One policy with its versions",
    responses: { 200: { description: "The policy", schema: policyAnswer, example: { policy } } },
  },
  {
    method: "put",
    path: "/api/policies/{id}",
    operationId: "updatePolicy",
    tag: "Policies",
    auth: "user",
    permission: "policies:write",
    summary: "A new version of the policy (old ones are kept)",
    body: policyUpdateSchema,
    bodyExample: { ...spec, priority: 90 },
    responses: { 200: { description: "The policy", schema: policyAnswer, example: { policy: { ...policy, priority: 90, version: 2 } } } },
    errors: ["invalid_condition", "condition_too_expensive", "policy_exists", "unknown_team"],
  },
  {
    method: "post",
    path: "/api/policies/{id}/enable",
    operationId: "enablePolicy",
    tag: "Policies",
    auth: "user",
    permission: "policies:write",
    summary: "Enable a policy",
    responses: { 200: { description: "The policy", schema: policyAnswer, example: { policy } } },
  },
  {
    method: "post",
    path: "/api/policies/{id}/disable",
    operationId: "disablePolicy",
    tag: "Policies",
    auth: "user",
    permission: "policies:write",
    summary: "Disable a policy",
    responses: { 200: { description: "The policy", schema: policyAnswer, example: { policy: { ...policy, enabled: false } } } },
  },
  {
    method: "post",
    path: "/api/policies/test",
    operationId: "testPolicy",
    tag: "Policies",
    auth: "user",
    permission: "policies:write",
    summary: "Dry run of a draft on a sample and over recorded actions (nothing is saved)",
    body: policyTestSchema,
    bodyExample: { policy: spec, sample: { action: "pricing.set_price", input: { tags: ["flagship"], price: 80 } }, backtest: { last: 500 } },
    responses: { 200: { description: "What the draft decides", schema: z.looseObject({}) } },
    errors: ["invalid_condition", "condition_too_expensive"],
  },
  {
    method: "post",
    path: "/api/policies/validate",
    operationId: "validateCondition",
    tag: "Policies",
    auth: "user",
    permission: "read",
    summary: "Where a CEL condition is wrong or too expensive, if it is (compiles only)",
    body: validateConditionSchema,
    bodyExample: { condition: "input.price < 100.0", stage: "pre" },
    responses: {
      200: {
        description: "The verdict",
        schema: z.union([z.object({ ok: z.literal(true), cost: z.number() }), z.object({ ok: z.literal(false), error: conditionError })]),
        example: { ok: false, error: { message: "undeclared reference to 'inpt'", position: 0, line: 1, column: 1 } },
      },
    },
  },
];
