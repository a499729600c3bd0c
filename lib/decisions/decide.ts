import { createHmac } from "node:crypto";
import canonicalize from "canonicalize";
import { decisionOf, type ActionAnswer } from "../actions/index.ts";
import type { AgentIdentity } from "../agents/index.ts";
import { activeBudgets, budgetsFor, budgetsSnapshot, type DraftBudget } from "../budgets/index.ts";
import { WardenError } from "../errors/index.ts";
import { isGranted, notGrantedReason } from "../grants/index.ts";
import { knowledgeSnapshot } from "../knowledge/index.ts";
import { newId } from "../ids.ts";
import { issueReceipt, receiptsEnabled } from "../receipts/index.ts";
import { redactionKey, redactionTurn, storageRedactor } from "../redaction/index.ts";
import { activePolicies, evaluatePolicies, knowledgeSetsFor, type Evaluation } from "../policies/index.ts";
import { citedKnowledgeFlags } from "./knowledge-citations.ts";
import { assertKnownVersion } from "../releases/index.ts";
import { decisionBatcher } from "./batcher.ts";
import { readAction } from "./read-action.ts";
import { routeApproval } from "./route-approval.ts";
import type { ActionRequest } from "./schemas.ts";

/**
 * Identifies a request for idempotency. Keyed (HMAC, the redaction key): a plain hash of the
 * raw request would let anyone holding the database test guesses of the PII it contained.
 */
export function requestHash(r: Pick<ActionRequest, "action" | "resource" | "input" | "context" | "handoff" | "version">): string {
  const doc = canonicalize({ action: r.action, resource: r.resource ?? "", input: r.input ?? {}, context: r.context ?? {}, ...(r.handoff ? { handoff: r.handoff } : {}), ...(r.version ? { version: r.version } : {}) }) ?? "";
  return createHmac("sha256", redactionKey()).update(doc).digest("hex");
}

type Policies = Awaited<ReturnType<typeof activePolicies>>;
const readsBudgetsCache = new WeakMap<Policies, boolean>();

/** Whether any pre-stage policy mentions `budgets` (then a usage snapshot is read for it). */
function readsBudgets(p: Policies): boolean {
  let v = readsBudgetsCache.get(p);
  if (v === undefined) readsBudgetsCache.set(p, (v = p.pre.some((x) => /\bbudgets\b/.test(x.spec.condition))));
  return v;
}

/**
 * The decision pipeline: grants (an action outside the agent's capabilities is denied
 * `not_granted` before any policy runs) → policies (compiled, cached) on the raw request, with
 * budgets' usage when a policy reads `budgets[…]` → the budgets it counts against and its
 * amount in each (an amount that fails is denied, fail closed) → who is asked when it is
 * pending (stages, hand-off: route-approval.ts) → PII redacted → durable record with its
 * audit event (halts, breakers, grants, key and budget reservations re-checked inside that
 * transaction) → answer; then, if asked to and still pending, wait for a human. A hand-off's
 * confidence is `context.confidence` to CEL (unless the context already has one). Throws
 * `unavailable` (503) when the database is known down or the decision can't be made durable
 * in time (batcher.ts).
 */
export async function decideAction({ agent, request, idempotencyKey }: { agent: AgentIdentity; request: ActionRequest; idempotencyKey?: string | null }): Promise<ActionAnswer> {
  // The database is known down: refuse before spending any work (503 + Retry-After).
  const refusal = decisionBatcher().circuit.refusal();
  if (refusal) throw refusal;
  const askedAt = Date.now();
  const version = request.version ?? null;
  const [policies, redactor, budgets] = await Promise.all([activePolicies(), storageRedactor(), activeBudgets(), version ? assertKnownVersion(agent.agentId, version) : null]);
  const input = request.input ?? {};
  const handoff = request.handoff ? { reason: request.handoff.reason, confidence: request.handoff.confidence ?? null } : null;
  const context = handoff && handoff.confidence !== null && request.context?.confidence === undefined ? { ...request.context, confidence: handoff.confidence } : (request.context ?? {});
  const resource = request.resource ?? "";
  // Redacted once: stored, and what distinct-resource budgets count (redaction is deterministic).
  const storedResource = redactor.resource(resource);
  const evalAgent = { id: agent.agentId, name: agent.name, cohort: agent.cohort, owner: agent.owner, riskTier: agent.riskTier, version: version ?? "" };
  const now = new Date();
  let evaluation: Evaluation;
  let counted: DraftBudget[] = [];
  let citationFlags: Awaited<ReturnType<typeof citedKnowledgeFlags>> = [];
  if (!isGranted(agent.capabilities, request.action, resource)) {
    evaluation = { decision: "deny", reasons: [notGrantedReason(request.action, resource)], shadow: [], evaluated: [], knowledge: [], approval: null, approvalPolicyIds: [] };
  } else {
    // Only the knowledge sets the targeted policies read are loaded (cached per instance) and recorded.
    const [knowledge, flags, snapshot] = await Promise.all([
      knowledgeSnapshot(knowledgeSetsFor(policies.pre, { agent: evalAgent, action: request.action })),
      citedKnowledgeFlags(context),
      readsBudgets(policies) ? budgetsSnapshot(askedAt) : undefined,
    ]);
    citationFlags = flags;
    evaluation = evaluatePolicies(policies.pre, { agent: evalAgent, action: request.action, resource, input, context, now, knowledge, budgets: snapshot });
    if (evaluation.decision !== "deny") {
      const b = budgetsFor(budgets, { agentId: agent.agentId, cohort: agent.cohort }, request.action, storedResource, { agent: evalAgent, action: request.action, resource, input, context, now });
      if ("error" in b) evaluation = { ...evaluation, decision: "deny", reasons: [b.error], approval: null, approvalPolicyIds: [] };
      else counted = b.budgets;
    }
  }
  const routed = await routeApproval({ evaluation, handoff, cohort: agent.cohort });
  // Deterministic, so a retry with the same key still finds its action.
  const redactKey = (k: string | null) => (k ? redactor.detect(k, "idempotencyKey") : null);
  // One turn for the request's whole (budget-bounded) redaction: see redactionTurn.
  const stored = await redactionTurn(() => ({
    input: redactor.document("input", input) as Record<string, unknown>,
    context: redactor.document("context", context) as Record<string, unknown>,
    idempotencyKey: redactKey(request.idempotencyKey ?? idempotencyKey ?? null),
    // A condition's error (or a hand-off's reason) can quote the value it choked on.
    reasons: routed.reasons.map((r) => ({ ...r, message: redactor.detect(r.message, "reasons") })),
    handoffReason: handoff ? redactor.detect(handoff.reason, "handoff.reason") : "",
    shadow: evaluation.shadow.map((r) => ({ ...r, message: redactor.detect(r.message, "shadow") })),
    policyVersions: evaluation.evaluated.map((v) => (v.error ? { ...v, error: redactor.detect(v.error, "policyVersions") } : v)),
  }));
  const id = newId("act");
  // Signed here, on the raw request and before the group commit, so signing never holds its
  // transaction open (lib/receipts). Sealed when stored if redaction changed anything.
  const receipt = receiptsEnabled()
    ? issueReceipt({
        actionId: id,
        agentId: agent.agentId,
        action: request.action,
        resource,
        input,
        decision: decisionOf(routed.status),
        status: routed.status,
        policyVersions: evaluation.evaluated,
        knowledge: evaluation.knowledge,
        at: new Date(),
      })
    : null;
  const outcome = await decisionBatcher().submit({
    id,
    agentId: agent.agentId,
    keyId: agent.keyId,
    version,
    action: request.action,
    resource: storedResource,
    rawResource: resource,
    input: stored.input,
    context: stored.context,
    redactions: redactor.redactions,
    markers: redactor.markers,
    idempotencyKey: stored.idempotencyKey,
    requestHash: requestHash(request),
    status: routed.status,
    reasons: stored.reasons,
    shadow: stored.shadow,
    policyVersions: stored.policyVersions,
    knowledge: evaluation.knowledge,
    flags: citationFlags,
    quorum: routed.quorum,
    timeoutSeconds: routed.timeoutSeconds,
    approval:
      routed.status === "pending"
        ? { routing: routed.routing, handoff: handoff && { reason: stored.handoffReason, confidence: handoff.confidence }, agentName: agent.name, owner: agent.owner }
        : null,
    budgets: counted,
    receipt,
  });
  if (!outcome.ok) throw new WardenError(outcome.code, outcome.message);
  const wait = request.wait ?? 0;
  if (outcome.answer.status === "pending" && wait > 0) {
    return readAction({ agentId: agent.agentId, id: outcome.answer.id, waitSeconds: wait });
  }
  return outcome.answer;
}
