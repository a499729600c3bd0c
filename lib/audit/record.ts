import { prisma, txRunner, type Tx } from "../db/index.ts";
import { appendAuditEvents, type AuditInput, type AuditRecord } from "./chain.ts";

/** Records events in the caller's Prisma transaction (they commit or vanish with the change). */
export function auditTx(tx: Tx, ...events: AuditInput[]): Promise<AuditRecord[]> {
  return appendAuditEvents(txRunner(tx), events);
}

/** Records events that accompany no other change (sign-in, failed sign-in) in a transaction of their own. */
export function audit(...events: AuditInput[]): Promise<AuditRecord[]> {
  return prisma().$transaction((tx) => auditTx(tx, ...events));
}
