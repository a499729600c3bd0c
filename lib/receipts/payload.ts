import canonicalize from "canonicalize";
import { inputHash, type ActionStatus, type Decision } from "../actions/index.ts";

export const RECEIPT_TYPE = "warden.decision.receipt";

/** Someone whose vote approved the action. */
export type ReceiptApprover = { userId: string; email: string };

/**
 * What a receipt states, signed over its RFC 8785 canonical JSON (docs/API.md "Receipts").
 * Every member is always present (empty lists rather than absent ones), except
 * `approvedInputHash`, present only when people approved the action with changes. No
 * floating-point numbers: only strings, integers, booleans and lists/objects of them.
 */
export type ReceiptPayload = {
  type: typeof RECEIPT_TYPE;
  v: 1;
  actionId: string;
  agentId: string;
  action: string;
  /** The resource exactly as the agent sent it ("" when none). */
  resource: string;
  /** SHA-256 (lowercase hex) of the RFC 8785 canonical JSON of the input the agent sent ({} when none): see `inputHash`. */
  inputHash: string;
  decision: Decision;
  status: ActionStatus;
  /** Every pre-stage policy version the decision evaluated, and whether its condition matched. */
  policyVersions: { policyId: string; version: number; matched: boolean }[];
  /** The knowledge-set versions those policies read. */
  knowledge: { set: string; version: number }[];
  /** Who approved (status approved by votes), in the order they voted; else []. */
  approvers: ReceiptApprover[];
  /**
   * Approved with changes only: `inputHash` of the input the approvers approved, as Warden stores
   * it (PII redacted) — the input the agent must act on (the answer's `approvedInput`). A business
   * system checks the change it receives against this instead of `inputHash`.
   */
  approvedInputHash?: string;
  /**
   * When the action reached this status (ISO 8601, UTC, milliseconds): the decision for
   * allowed/denied/pending, the settlement for approved/rejected, the deadline for expired.
   */
  time: string;
};

/**
 * The receipt's `inputHash`: lib/actions' `inputHash` (SHA-256 over the RFC 8785 canonical JSON
 * of the raw input) — what a business system holding the same input recomputes (any JCS
 * library, or the SDKs' `inputHash`). Computed at decision time from what the agent sent, never
 * from the stored input (PII redaction changes that one).
 */
export { inputHash };

const s = JSON.stringify;
const MEMBERS = 13;

/**
 * The RFC 8785 canonical JSON of a receipt payload — exactly what `canonicalize(payload)`
 * writes (a unit test compares them), built directly from the known members in their sorted
 * order instead of sorting each object's keys: a quarter of a receipt's CPU on the decision
 * path. A payload with other members than `ReceiptPayload`'s goes through `canonicalize`.
 */
export function canonicalPayload(p: ReceiptPayload): string {
  if (Object.keys(p).length !== MEMBERS) {
    const text = canonicalize(p);
    if (text === undefined) throw new Error("payload cannot be canonicalised");
    return text;
  }
  const policies = p.policyVersions.map((v) => `{"matched":${s(v.matched)},"policyId":${s(v.policyId)},"version":${s(v.version)}}`).join(",");
  const knowledge = p.knowledge.map((k) => `{"set":${s(k.set)},"version":${s(k.version)}}`).join(",");
  const approvers = p.approvers.map((a) => `{"email":${s(a.email)},"userId":${s(a.userId)}}`).join(",");
  return (
    `{"action":${s(p.action)},"actionId":${s(p.actionId)},"agentId":${s(p.agentId)},"approvers":[${approvers}],"decision":${s(p.decision)},` +
    `"inputHash":${s(p.inputHash)},"knowledge":[${knowledge}],"policyVersions":[${policies}],"resource":${s(p.resource)},"status":${s(p.status)},` +
    `"time":${s(p.time)},"type":${s(p.type)},"v":${s(p.v)}}`
  );
}
