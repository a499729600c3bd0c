import type { ActionStatus, Decision } from "../actions/index.ts";
import { inputHash, RECEIPT_TYPE } from "./payload.ts";
import { signReceipt, type Receipt } from "./sign-receipt.ts";

/** A new decision, as the decision pipeline knows it before it is recorded. */
export type DecisionFacts = {
  actionId: string;
  agentId: string;
  action: string;
  /** As the agent sent it (not redacted). */
  resource: string;
  /** As the agent sent it (not redacted); hashed, never kept. */
  input: Record<string, unknown>;
  decision: Decision;
  status: ActionStatus;
  policyVersions: readonly { policyId: string; version: number; matched: boolean }[];
  knowledge: readonly { set: string; version: number }[];
  at: Date;
};

/**
 * The receipt of a new decision (lib/decisions, before the group commit: signing never holds
 * the transaction open). About 40 µs of CPU: canonical JSON, SHA-256 of the input, one
 * Ed25519 signature with the cached key (bench:decisions prints what it costs end to end).
 */
export function issueReceipt(f: DecisionFacts): Receipt {
  return signReceipt({
    type: RECEIPT_TYPE,
    v: 1,
    actionId: f.actionId,
    agentId: f.agentId,
    action: f.action,
    resource: f.resource,
    inputHash: inputHash(f.input),
    decision: f.decision,
    status: f.status,
    policyVersions: f.policyVersions.map((p) => ({ policyId: p.policyId, version: p.version, matched: p.matched })),
    knowledge: f.knowledge.map((k) => ({ set: k.set, version: k.version })),
    approvers: [],
    time: f.at.toISOString(),
  });
}

/**
 * The same receipt for another status (a draft the group commit's halt re-check turned into a
 * denial): re-signed, same time. Only for a receipt made in this process moments ago.
 */
export function receiptWithStatus(receipt: Receipt, status: ActionStatus, decision: Decision): Receipt {
  if (receipt.payload.status === status) return receipt;
  return signReceipt({ ...receipt.payload, status, decision });
}
