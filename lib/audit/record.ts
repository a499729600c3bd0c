import { prisma, type Tx } from "../db/index.ts";
import { appendAuditEvents, type AuditInput, type AuditRecord, type SqlRunner } from "./append.ts";

export function txRunner(tx: Tx): SqlRunner {
  return <T>(sql: string, params: unknown[]) => tx.$queryRawUnsafe<T[]>(sql, ...params);
}

/** Records events in the caller's Prisma transaction. */
export function auditTx(tx: Tx, ...events: AuditInput[]): Promise<AuditRecord[]> {
  return appendAuditEvents(txRunner(tx), events);
}

/** Records events that accompany no other change (sign-in, failed sign-in) in a transaction of their own. */
export function audit(...events: AuditInput[]): Promise<AuditRecord[]> {
  return prisma().$transaction((tx) => auditTx(tx, ...events));
}
