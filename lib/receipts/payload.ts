import { createHash } from "node:crypto";
import canonicalize from "canonicalize";
import type { ActionStatus, Decision } from "../actions/index.ts";

export const RECEIPT_TYPE = "warden.decision.receipt";

/** Someone whose vote approved the action. */
export type ReceiptApprover = { userId: string; email: string };

/**
 * What a receipt states, signed over its RFC 8785 canonical JSON (docs/API.md "Receipts").
 * Every member is always present (empty lists rather than absent ones), so a verifier sees one
 * shape. No floating-point numbers: only strings, integers, booleans and lists/objects of them.
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
   * When the action reached this status (ISO 8601, UTC, milliseconds): the decision for
   * allowed/denied/pending, the settlement for approved/rejected, the deadline for expired.
   */
  time: string;
};

/**
 * The receipt's `inputHash`: SHA-256 (lowercase hex) over the RFC 8785 canonical JSON of the
 * raw input — what a business system holding the same input recomputes (any JCS library, or
 * the SDKs' `inputHash`). Computed at decision time from what the agent sent, never from the
 * stored input (PII redaction changes that one). Throws Error on a value JSON can't hold.
 */
export function inputHash(input: unknown): string {
  const text = canonicalize(input ?? {});
  if (text === undefined) throw new Error("input cannot be canonicalised");
  return createHash("sha256").update(text, "utf8").digest("hex");
}
