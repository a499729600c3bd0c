export { appendAuditEvents, chainEvents, writeEventsSql, waitForHead, reserveSeqsSql, TAKE_FREE_HEAD_SQL, AUDIT_CHAINS, type AuditInput, type AuditRecord, type ChainHead, type SqlRunner } from "./append.ts";
export { verifyAuditChain, lastVerification, type VerifyResult, type VerifyScope, type LastVerification } from "./verify.ts";
export { listAuditEvents, iterateAuditEvents, auditQuerySchema, auditFilterSchema, type AuditQuery, type AuditFilter, type AuditEventView } from "./query.ts";
export { exportAuditEvents, type ExportFormat } from "./export.ts";
export { audit, auditTx } from "./record.ts";
export { ensureAuditPartitions, listAuditPartitions, applyAuditRetention, type AuditPartition, type RetentionResult } from "./partitions.ts";
