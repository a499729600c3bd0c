import { createHmac } from "node:crypto";
import canonicalize from "canonicalize";
import { decisionOf, initialStatus, type ActionAnswer } from "../actions/index.ts";
import type { AgentIdentity } from "../agents/index.ts";
import { WardenError } from "../errors/index.ts";
import { knowledgeSnapshot } from "../knowledge/index.ts";
import { newId } from "../ids.ts";
import { issueReceipt, receiptsEnabled } from "../receipts/index.ts";
import { redactionKey, storageRedactor } from "../redaction/index.ts";
import { activePolicies, evaluatePolicies, knowledgeSetsFor } from "../policies/index.ts";
import { citedKnowledgeFlags } from "./knowledge-citations.ts";
import { decisionBatcher } from "./batcher.ts";
import { readAction } from "./read-action.ts";
import type { ActionRequest } from "./schemas.ts";

/**
 * Identifies a request for idempotency. Keyed (HMAC, the redaction key): a plain hash of the
 * raw request would let anyone holding the database test guesses of the PII it contained.
 */
export function requestHash(r: Pick<ActionRequest, "action" | "resource" | "input" | "context">): string {
  const doc = canonicalize({ action: r.action, resource: r.resource ?? "", input: r.input ?? {}, context: r.context ?? {} }) ?? "";
  return createHmac("sha256", redactionKey()).update(doc).digest("hex");
}

/**
 * The decision pipeline: policies (compiled, cached) on the raw request → PII redacted →
 * durable record with its audit event (halts and key re-checked inside that transaction) →
 * answer; then, if asked to and still pending, wait for a human. Throws `unavailable` (503)
 * when the database is known down or the decision can't be made durable in time (batcher.ts).
 */
export async function decideAction({ agent, request, idempotencyKey }: { agent: AgentIdentity; request: ActionRequest; idempotencyKey?: string | null }): Promise<ActionAnswer> {
  // The database is known down: refuse before spending any work (503 + Retry-After).
  const refusal = decisionBatcher().circuit.refusal();
  if (refusal) throw refusal;
  const [policies, redactor] = await Promise.all([activePolicies(), storageRedactor()]);
  const input = request.input ?? {};
  const context = request.context ?? {};
  const evalAgent = { id: agent.agentId, name: agent.name, cohort: agent.cohort, owner: agent.owner, riskTier: agent.riskTier };
  // Only the knowledge sets the targeted policies read are loaded (cached per instance) and recorded.
  const [knowledge, citationFlags] = await Promise.all([
    knowledgeSnapshot(knowledgeSetsFor(policies.pre, { agent: evalAgent, action: request.action })),
    citedKnowledgeFlags(context),
  ]);
  const evaluation = evaluatePolicies(policies.pre, {
    agent: evalAgent,
    action: request.action,
    resource: request.resource ?? "",
    input,
    context,
    now: new Date(),
    knowledge,
  });
  // Deterministic, so a retry with the same key still finds its action.
  const redactKey = (k: string | null) => (k ? redactor.detect(k, "idempotencyKey") : null);
  const id = newId("act");
  const status = initialStatus(evaluation.decision);
  const resource = redactor.resource(request.resource ?? "");
  const storedInput = redactor.document("input", input) as Record<string, unknown>;
  const storedContext = redactor.document("context", context) as Record<string, unknown>;
  // Signed here, on the raw request and before the group commit, so signing never holds its
  // transaction open (lib/receipts). Sealed when stored if redaction changed anything.
  const receipt = receiptsEnabled()
    ? issueReceipt({
        actionId: id,
        agentId: agent.agentId,
        action: request.action,
        resource: request.resource ?? "",
        input,
        decision: decisionOf(status),
        status,
        policyVersions: evaluation.evaluated,
        knowledge: evaluation.knowledge,
        at: new Date(),
      })
    : null;
  const outcome = await decisionBatcher().submit({
    id,
    agentId: agent.agentId,
    keyId: agent.keyId,
    action: request.action,
    resource,
    input: storedInput,
    context: storedContext,
    redactions: redactor.redactions,
    markers: redactor.markers,
    idempotencyKey: redactKey(request.idempotencyKey ?? idempotencyKey ?? null),
    requestHash: requestHash(request),
    status,
    // A condition's error can quote the value it choked on.
    reasons: evaluation.reasons.map((r) => ({ ...r, message: redactor.detect(r.message, "reasons") })),
    shadow: evaluation.shadow.map((r) => ({ ...r, message: redactor.detect(r.message, "shadow") })),
    policyVersions: evaluation.evaluated.map((v) => (v.error ? { ...v, error: redactor.detect(v.error, "policyVersions") } : v)),
    knowledge: evaluation.knowledge,
    flags: citationFlags,
    quorum: evaluation.approval?.quorum ?? null,
    timeoutSeconds: evaluation.approval?.timeoutSeconds ?? null,
    receipt,
  });
  if (!outcome.ok) throw new WardenError(outcome.code, outcome.message);
  const wait = request.wait ?? 0;
  if (outcome.answer.status === "pending" && wait > 0) {
    return readAction({ agentId: agent.agentId, id: outcome.answer.id, waitSeconds: wait });
  }
  return outcome.answer;
}
