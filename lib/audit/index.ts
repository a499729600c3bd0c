/**
 * The audit log: append-only, hash-chained, partitioned by month.
 *
 * - Writing: `auditTx(tx, …events)` / `appendAuditEvents(run, events)` inside the change's own
 *   transaction; the batched form of the same protocol (`openChainStatements` → `takeChain` →
 *   `writeEventsSql`: prepared statements) for the data plane's pipelined group commit; `holdAllChains` for writers that
 *   must not interleave (retention, the volume seeder). Protocol and ordering rule: chain.ts.
 * - Kinds: the catalogue `AUDIT_KINDS` (kinds.ts); `AuditKind` types every writer.
 * - Reading: `listAuditEvents` (keyset pages on `(at, seq)`; free text `q` matches the start
 *   of a subject, any part of a subject that is not an action's, and the actions whose resource
 *   holds it or whose id or idempotency key starts with it, as stored: search.ts),
 *   `iterateAuditEvents`, export; `explainAuditEvents` (their plans, for bench/queries.ts).
 * - Proving: `verifyAuditChain` (SHA-256 over RFC 8785 canonical JSON, per chain), recorded
 *   in `audit_verifications`; retention drops whole months and records the pruned ranges.
 * - Signed checkpoints: each passing verification (and `checkpointOnSchedule`, every minute
 *   with activity) signs the chain heads with the checkpoint key (lib/signing, never in the
 *   database) and writes them to `audit_checkpoints`, the file sink and the `audit.checkpoint`
 *   webhook; verification checks the log against them (`checkCheckpoint` for one given
 *   checkpoint alone), which catches truncation and wholesale re-hashing.
 */
export {
  appendAuditEvents,
  chainEvents,
  holdAllChains,
  insertEventsSql,
  moveHeadsSql,
  openChainStatements,
  takeChain,
  writeEventsSql,
  AUDIT_CHAINS,
  type AuditInput,
  type AuditRecord,
  type ChainHead,
  type ChainSlot,
} from "./chain.ts";
export { AUDIT_KINDS, auditKindFilters, type AuditKind } from "./kinds.ts";
export { verifyAuditChain, lastVerification, type VerifyResult, type VerifyScope, type LastVerification, type CheckedCheckpoint } from "./verify.ts";
export type { VerifyProblem, ProblemKind } from "./problems.ts";
export { signedCheckpointSchema, CHECKPOINT_TYPE, type SignedCheckpoint, type CheckpointHead, type CheckpointSource } from "./checkpoint.ts";
export { recordCheckpoint, listCheckpoints, checkCheckpointDocument, type CheckpointSinks, type CheckpointView } from "./checkpoints.ts";
export { checkCheckpoint, type CheckpointCheck } from "./check-given-checkpoint.ts";
export { checkpointOnSchedule } from "./checkpoint-job.ts";
export { readLastCheckpoint } from "./checkpoint-file.ts";
export { listAuditEvents, explainAuditEvents, iterateAuditEvents, auditQuerySchema, auditFilterSchema, type AuditQuery, type AuditFilter, type AuditEventView } from "./query.ts";
export { exportAuditEvents, type ExportFormat } from "./export.ts";
export { audit, auditTx } from "./record.ts";
export { ensureAuditPartitions, listAuditPartitions, applyAuditRetention, type AuditPartition, type RetentionResult } from "./partitions.ts";
export { auditExportQuerySchema, verifyQuerySchema, verifyBodySchema, checkpointListQuerySchema, checkpointCheckBodySchema } from "./route-schemas.ts";
export { auditApi, auditEventViewSchema } from "./openapi.ts";
