import type { ActionStatus, Reason } from "../actions/index.ts";
import type { SignedCheckpoint } from "../audit/index.ts";

/**
 * The catalogue of webhook events and the one payload shape of each (the `data` of a
 * delivery's `{event, at, data}` body). Writers are typed by it, so an event can't be sent
 * with a payload of another shape.
 */
export const WEBHOOK_EVENTS = ["approval.requested", "approval.decided", "cohort.halted", "agent.halted", "global.halted", "knowledge.proposed", "knowledge.published", "audit.checkpoint"] as const;
export type WebhookEvent = (typeof WEBHOOK_EVENTS)[number];

/** A pending action waiting for people. */
export type ApprovalRequestedPayload = {
  actionId: string;
  agentId: string;
  cohort: string;
  action: string;
  resource: string;
  quorum: number | null;
  expiresAt: string | null;
  reasons: Reason[];
};

/** Why a pending action left `pending`. */
export type SettleCause = "vote" | "timeout" | "halt" | "breaker";

/** A pending action settled: approved or rejected by people, rejected by a halt, expired. */
export type ApprovalDecidedPayload = {
  actionId: string;
  agentId: string;
  agent: string;
  cohort: string;
  action: string;
  resource: string;
  status: Extract<ActionStatus, "approved" | "rejected" | "expired">;
  cause: SettleCause;
  reason: string;
  /** Who decided, for people: an approver's or the halting person's e-mail, or "system" (a timeout). */
  by: string;
  comment: string | null;
  approvals: number;
  quorum: number | null;
  decidedAt: string;
};

/** A kill switch was thrown. */
export type HaltedPayload = { target: string; reason: string; /** the halting person's e-mail (or "system") */ by: string; rejectedPending: number };

/** How a draft changes its set against the published version (counts of records). */
export type KnowledgeDiffSummary = { added: number; changed: number; removed: number; refreshed: number; unchanged: number };

/** A change to a knowledge set waits for someone other than its author to approve it. */
export type KnowledgeProposedPayload = {
  set: string;
  draftId: string;
  author: string;
  baseVersion: number;
  origin: string;
  summary: KnowledgeDiffSummary;
};

/** A draft was approved: the set has a new published version. */
export type KnowledgePublishedPayload = {
  set: string;
  version: number;
  previousVersion: number;
  draftId: string;
  proposedBy: string;
  approvedBy: string;
  publishedAt: string;
  records: number;
  summary: Omit<KnowledgeDiffSummary, "unchanged">;
};
/**
 * A signed checkpoint of the audit chains' heads (lib/audit/checkpoints.ts), exactly as stored:
 * keep it outside Warden's database; `npm run audit:verify -- --checkpoint FILE` or
 * `POST /api/audit/checkpoints/check` proves the log still contains what it signed.
 */
export type AuditCheckpointPayload = SignedCheckpoint;

export type WebhookPayloads = {
  "approval.requested": ApprovalRequestedPayload;
  "approval.decided": ApprovalDecidedPayload;
  "cohort.halted": HaltedPayload;
  "agent.halted": HaltedPayload;
  "global.halted": HaltedPayload;
  "knowledge.proposed": KnowledgeProposedPayload;
  "knowledge.published": KnowledgePublishedPayload;
  "audit.checkpoint": AuditCheckpointPayload;
};
