import { z } from "zod";
import { settlePending, type SettleTarget } from "../actions/index.ts";
import { auditTx, type AuditInput } from "../audit/index.ts";
import { prisma, txRunner, type Tx } from "../db/index.ts";
import { notFound } from "../errors/index.ts";
import { CHANNEL, notifySql } from "../events/index.ts";
import { actorName } from "../users/index.ts";
import { enqueueWebhook } from "../webhooks/index.ts";
import { HALT_LOCK, HALT_REASON_CODE } from "./halt-state.ts";

export const haltSchema = z.strictObject({ reason: z.string().trim().min(3, "say why (at least 3 characters)").max(500) });
export const resumeSchema = z.strictObject({ reason: z.string().trim().max(500).optional() });

export type Scope = { kind: "agent"; agentId: string } | { kind: "cohort"; name: string } | { kind: "global" };

export type HaltResult = { scope: Scope["kind"]; target: string; status: "halted" | "active"; reason: string | null; rejectedPending: number };

type Resolved = { target: string; settle: SettleTarget; audit: Omit<AuditInput, "actor" | "data" | "kind"> & { data: Record<string, unknown> } };

/** Sets or clears the switch of `scope` and says what it covers. Throws not_found. */
async function flip(tx: Tx, scope: Scope, set: { haltedAt: Date | null; haltReason: string | null; haltedBy: string | null }): Promise<Resolved & { previousReason: string | null }> {
  if (scope.kind === "agent") {
    const a = await tx.agent.findUnique({ where: { id: scope.agentId }, select: { id: true, name: true, haltReason: true, cohort: { select: { name: true } } } });
    if (!a) throw notFound("Agent");
    await tx.agent.update({ where: { id: a.id }, data: set });
    return { target: a.name, previousReason: a.haltReason, settle: { agentId: a.id }, audit: { subject: `agent:${a.id}`, agentId: a.id, cohort: a.cohort.name, data: { name: a.name } } };
  }
  if (scope.kind === "cohort") {
    const c = await tx.cohort.findUnique({ where: { name: scope.name }, select: { name: true, haltReason: true } });
    if (!c) throw notFound("Cohort");
    await tx.cohort.update({ where: { name: c.name }, data: set });
    return { target: c.name, previousReason: c.haltReason, settle: { cohort: c.name }, audit: { subject: `cohort:${c.name}`, cohort: c.name, data: {} } };
  }
  const s = await tx.controlState.findUniqueOrThrow({ where: { id: 1 } });
  await tx.controlState.update({ where: { id: 1 }, data: { ...set, updatedAt: new Date() } });
  return { target: "everything", previousReason: s.haltReason, settle: { all: true }, audit: { subject: "global", data: {} } };
}

/**
 * Halts an agent, a cohort or everything, and rejects the pending actions it covers through
 * the lifecycle's `settlePending` (audited, notified and sent as `approval.decided`, cause
 * `halt`). Holds HALT_LOCK exclusively, so once this returns nothing it covers is allowed on
 * any instance. Throws not_found for an unknown agent or cohort.
 */
export async function halt({ scope, reason, actor }: { scope: Scope; reason: string; actor: string }): Promise<HaltResult> {
  return prisma().$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${HALT_LOCK})`);
      const r = await flip(tx, scope, { haltedAt: new Date(), haltReason: reason, haltedBy: actor });
      const by = await actorName(txRunner(tx), actor);
      const rejected = await settlePending(txRunner(tx), {
        target: r.settle,
        outcome: "rejected",
        cause: "halt",
        reason: { code: HALT_REASON_CODE[scope.kind], message: `Rejected by halt: ${reason}` },
        actor,
        by,
      });
      await auditTx(tx, { actor, kind: `${scope.kind}.halted`, ...r.audit, data: { ...r.audit.data, reason, rejectedPending: rejected.length } });
      await tx.$executeRawUnsafe(notifySql, CHANNEL.halts, JSON.stringify(scope));
      await enqueueWebhook(txRunner(tx), `${scope.kind}.halted`, { target: r.target, reason, by, rejectedPending: rejected.length });
      return { scope: scope.kind, target: r.target, status: "halted" as const, reason, rejectedPending: rejected.length };
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}

/** Clears the switch of `scope` (audited with the reason it was halted for). Throws not_found. */
export async function resume({ scope, reason, actor }: { scope: Scope; reason?: string; actor: string }): Promise<HaltResult> {
  return prisma().$transaction(async (tx) => {
    const r = await flip(tx, scope, { haltedAt: null, haltReason: null, haltedBy: null });
    await auditTx(tx, { actor, kind: `${scope.kind}.resumed`, ...r.audit, data: { ...r.audit.data, reason: reason ?? null, haltReason: r.previousReason } });
    await tx.$executeRawUnsafe(notifySql, CHANNEL.halts, JSON.stringify(scope));
    return { scope: scope.kind, target: r.target, status: "active" as const, reason: null, rejectedPending: 0 };
  });
}
