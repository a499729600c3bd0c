/**
 * Knowledge: approved, versioned facts that agents read, policies check and every decision
 * cites (issue #13; docs/API.md "Knowledge").
 *
 * - Sets (write-set.ts): a named collection of records keyed by id, with a JSON Schema for
 *   the records (Ajv, record-schema.ts), an owner, the cohorts that may read it and a
 *   freshness rule (`maxAgeDays`, freshness.ts).
 * - Drafts (propose-draft.ts, import-file.ts, draft-diff.ts): upserts and deletes, or a CSV /
 *   JSON bulk import, validated and diffed against the published version; published only when
 *   someone other than the author approves (decide-draft.ts), as a new immutable version in
 *   one transaction, audited with the diff summary, with webhooks `knowledge.proposed` /
 *   `knowledge.published`.
 * - Storage (store.ts): each record stored once per change with the range of versions it is
 *   valid in; a version is a range query.
 * - Reads: per-instance cache of current versions refreshed over LISTEN/NOTIFY (cache.ts);
 *   agents' reads with grants and ETags (agent-read.ts), counted per agent and version
 *   (read-tally.ts); the dashboard's reads (read-sets.ts); past versions for backtests
 *   (history.ts).
 * - Policies: `KnowledgeBinding` is what CEL's `data["<set>"]` reads through (a stale,
 *   expired or not-yet-effective record is an error naming it); `checkCitations` judges an
 *   action's `context.knowledge`.
 */
export { createKnowledgeSet, updateKnowledgeSet } from "./write-set.ts";
export { proposeDraft, type DraftPayload, type ProposedDraft } from "./propose-draft.ts";
export { approveDraft, rejectDraft, type PublishResult } from "./decide-draft.ts";
export {
  listKnowledgeSets,
  readKnowledgeSet,
  listKnowledgeVersions,
  diffKnowledgeVersions,
  knowledgeRecordHistory,
  listKnowledgeDrafts,
  listOpenKnowledgeDrafts,
  getKnowledgeDraft,
  type SetSummaryView,
  type SetVersionView,
  type VersionView,
  type VersionDiffView,
  type DraftListItem,
  type DraftView,
} from "./read-sets.ts";
export { readRecordForAgent, readSinceForAgent, type AgentRecordAnswer, type AgentSinceAnswer, type AgentChange } from "./agent-read.ts";
export { flushKnowledgeReads, listKnowledgeReads, type ReadCountView } from "./read-tally.ts";
export { knowledgeCache, knowledgeSnapshot } from "./cache.ts";
export { VersionLoader } from "./history.ts";
export { checkCitations, type KnowledgeRef, type CitationFlag } from "./citations.ts";
export { PublishedSet, KnowledgeBinding, type LoadedRecord, type SetMeta } from "./published-set.ts";
export { StaleKnowledgeError, recordProblem } from "./freshness.ts";
export { findSet, type Person, type SetDefinition } from "./sets.ts";
export type { RecordView } from "./store.ts";
export { recordViewSchema, agentRecordAnswerSchema, agentSinceAnswerSchema } from "./responses.ts";
export type { DiffEntry, ProposedRecord } from "./draft-diff.ts";
export {
  createSetSchema,
  updateSetSchema,
  draftQuerySchema,
  decideDraftSchema,
  setQuerySchema,
  draftViewQuerySchema,
  diffQuerySchema,
  sinceQuerySchema,
  draftListQuerySchema,
  pageQuerySchema,
  setNameSchema,
  assertKey,
  CHANGE_KINDS,
  MAX_DRAFT_CHANGES,
  type ChangeKind,
  type CreateSetInput,
  type UpdateSetInput,
  type DraftQuery,
} from "./schemas.ts";
export { knowledgeApi } from "./openapi.ts";
