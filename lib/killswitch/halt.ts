import { z } from "zod";
import { auditTx } from "../audit/index.ts";
import { txRunner } from "../audit/record.ts";
import { enqueueWebhook } from "../webhooks/enqueue.ts";
import { prisma, type Tx } from "../db/index.ts";
import { notifySql } from "../events/index.ts";
import { notFound } from "../http/errors.ts";

/**
 * Decisions hold this advisory lock in shared mode for their whole transaction; a halt
 * takes it exclusively. So a halt commits only after every decision already in flight has
 * committed, and every later decision reads the halt: once the halt call answers, nothing it
 * covers is allowed, on any instance.
 */
export const HALT_LOCK = 72707370;

export const haltSchema = z.strictObject({ reason: z.string().trim().min(3, "say why (at least 3 characters)").max(500) });
export const resumeSchema = z.strictObject({ reason: z.string().trim().max(500).optional() });

export type Scope = { kind: "agent"; agentId: string } | { kind: "cohort"; name: string } | { kind: "global" };

export type HaltResult = { scope: Scope["kind"]; target: string; status: "halted" | "active"; reason: string | null; rejectedPending: number };

async function rejectPending(tx: Tx, where: string, param: string | null, reason: string, actor: string): Promise<number> {
  const code = where.includes("agent_id") ? "agent_halted" : where.includes("cohort") ? "cohort_halted" : "global_halt";
  const rows = await tx.$queryRawUnsafe<{ id: string; agent_id: string; cohort: string; action: string }[]>(
    `UPDATE actions SET status = 'REJECTED', decision = 'DENY', decided_at = now(),
            reasons = reasons || jsonb_build_array(jsonb_build_object('code', $1::text, 'message', $2::text))
      WHERE status = 'PENDING' ${where} RETURNING id, agent_id, cohort, action`,
    code,
    `Rejected by halt: ${reason}`,
    ...(param === null ? [] : [param]),
  );
  if (rows.length) {
    await auditTx(
      tx,
      ...rows.map((r) => ({
        actor,
        kind: "action.rejected",
        subject: `action:${r.id}`,
        agentId: r.agent_id,
        cohort: r.cohort,
        data: { action: r.action, status: "rejected", reason: `halt: ${reason}` },
      })),
    );
    for (const r of rows) await tx.$executeRawUnsafe(notifySql, "warden_actions", r.id);
  }
  return rows.length;
}

/** Halts an agent, a cohort or everything; rejects the pending actions it covers. */
export async function halt({ scope, reason, actor }: { scope: Scope; reason: string; actor: string }): Promise<HaltResult> {
  return prisma().$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${HALT_LOCK})`);
      const now = new Date();
      const set = { haltedAt: now, haltReason: reason, haltedBy: actor };
      let target: string;
      let rejected: number;
      let audit: { kind: string; subject: string; agentId?: string; cohort?: string; data: Record<string, unknown> };
      if (scope.kind === "agent") {
        const a = await tx.agent.findUnique({ where: { id: scope.agentId }, select: { id: true, name: true, cohort: { select: { name: true } } } });
        if (!a) throw notFound("Agent");
        await tx.agent.update({ where: { id: a.id }, data: set });
        target = a.name;
        rejected = await rejectPending(tx, "AND agent_id = $3", a.id, reason, actor);
        audit = { kind: "agent.halted", subject: `agent:${a.id}`, agentId: a.id, cohort: a.cohort.name, data: { name: a.name, reason, rejectedPending: rejected } };
      } else if (scope.kind === "cohort") {
        const c = await tx.cohort.findUnique({ where: { name: scope.name }, select: { name: true } });
        if (!c) throw notFound("Cohort");
        await tx.cohort.update({ where: { name: c.name }, data: set });
        target = c.name;
        rejected = await rejectPending(tx, "AND cohort = $3", c.name, reason, actor);
        audit = { kind: "cohort.halted", subject: `cohort:${c.name}`, cohort: c.name, data: { reason, rejectedPending: rejected } };
      } else {
        await tx.controlState.update({ where: { id: 1 }, data: { ...set, updatedAt: now } });
        target = "everything";
        rejected = await rejectPending(tx, "", null, reason, actor);
        audit = { kind: "global.halted", subject: "global", data: { reason, rejectedPending: rejected } };
      }
      await auditTx(tx, { actor, ...audit });
      await tx.$executeRawUnsafe(notifySql, "warden_halts", JSON.stringify(scope));
      await enqueueWebhook(txRunner(tx), `${scope.kind}.halted`, { target, reason, by: actor, rejectedPending: rejected });
      return { scope: scope.kind, target, status: "halted" as const, reason, rejectedPending: rejected };
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}

export async function resume({ scope, reason, actor }: { scope: Scope; reason?: string; actor: string }): Promise<HaltResult> {
  return prisma().$transaction(async (tx) => {
    const clear = { haltedAt: null, haltReason: null, haltedBy: null };
    let target: string;
    let audit: { kind: string; subject: string; agentId?: string; cohort?: string; data: Record<string, unknown> };
    if (scope.kind === "agent") {
      const a = await tx.agent.findUnique({ where: { id: scope.agentId }, select: { id: true, name: true, haltReason: true, cohort: { select: { name: true } } } });
      if (!a) throw notFound("Agent");
      await tx.agent.update({ where: { id: a.id }, data: clear });
      target = a.name;
      audit = { kind: "agent.resumed", subject: `agent:${a.id}`, agentId: a.id, cohort: a.cohort.name, data: { name: a.name, reason: reason ?? null, haltReason: a.haltReason } };
    } else if (scope.kind === "cohort") {
      const c = await tx.cohort.findUnique({ where: { name: scope.name }, select: { name: true, haltReason: true } });
      if (!c) throw notFound("Cohort");
      await tx.cohort.update({ where: { name: c.name }, data: clear });
      target = c.name;
      audit = { kind: "cohort.resumed", subject: `cohort:${c.name}`, cohort: c.name, data: { reason: reason ?? null, haltReason: c.haltReason } };
    } else {
      const s = await tx.controlState.findUniqueOrThrow({ where: { id: 1 } });
      await tx.controlState.update({ where: { id: 1 }, data: { ...clear, updatedAt: new Date() } });
      target = "everything";
      audit = { kind: "global.resumed", subject: "global", data: { reason: reason ?? null, haltReason: s.haltReason } };
    }
    await auditTx(tx, { actor, ...audit });
    await tx.$executeRawUnsafe(notifySql, "warden_halts", JSON.stringify(scope));
    return { scope: scope.kind, target, status: "active" as const, reason: null, rejectedPending: 0 };
  });
}
