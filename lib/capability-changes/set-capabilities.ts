import { z } from "zod";
import { settlePending } from "../actions/index.ts";
import { isAgentOwner, ownersSince } from "../agents/index.ts";
import { auditTx } from "../audit/index.ts";
import type { Principal } from "../auth/index.ts";
import { Prisma, prisma, txRunner, type Tx } from "../db/index.ts";
import { conflict, forbidden, notFound, WardenError } from "../errors/index.ts";
import { CHANNEL, notifySql } from "../events/index.ts";
import { newId } from "../ids.ts";
import { HALT_LOCK } from "../killswitch/index.ts";
import { presentChange, type CapabilityChangeView } from "./changes.ts";
import { capabilitiesOf, isGranted, wideningOf, type Capabilities } from "../grants/index.ts";

export type SetCapabilitiesResult = { status: "applied" | "unchanged" | "pending"; capabilities: Capabilities; change?: CapabilityChangeView };

const dbValue = (c: Capabilities) => (c === null ? Prisma.DbNull : (c as Prisma.InputJsonValue));
const same = (a: Capabilities, b: Capabilities) => JSON.stringify(a) === JSON.stringify(b);

/**
 * Marks the agent's pending widening requests (all, or `ids`) superseded, one
 * `agent.capabilities_superseded` audit event each saying why, in the caller's transaction.
 */
async function supersede(tx: Tx, a: { id: string; name: string; cohort: string }, actor: string, why: string, ids?: string[]): Promise<void> {
  const open = await tx.capabilityChange.findMany({ where: { agentId: a.id, status: "PENDING", ...(ids ? { id: { in: ids } } : {}) }, select: { id: true, requestedBy: true } });
  if (open.length === 0) return;
  await tx.capabilityChange.updateMany({ where: { id: { in: open.map((c) => c.id) } }, data: { status: "SUPERSEDED", decidedAt: new Date() } });
  for (const c of open) {
    await auditTx(tx, { actor, kind: "agent.capabilities_superseded", subject: `agent:${a.id}`, agentId: a.id, cohort: a.cohort, data: { name: a.name, changeId: c.id, requestedBy: c.requestedBy, why } });
  }
}

/**
 * Writes an agent's grants and everything that goes with it in the caller's transaction, which
 * holds HALT_LOCK exclusively: decisions re-read grants under that lock in shared mode, so once
 * this commits no decision on any instance uses the old grants. Pending actions the new grants
 * no longer cover are rejected through the lifecycle (settlePending, cause `grants`), as a halt
 * rejects what it covers: nobody may approve what the agent may no longer ask for. Audited with
 * before and after.
 */
async function apply(tx: Tx, a: { id: string; name: string; cohort: string }, before: Capabilities, after: Capabilities, audit: { actor: string; by: string; reason?: string; requestedBy?: string; confirmedBy?: string }) {
  await tx.agent.update({ where: { id: a.id }, data: { capabilities: dbValue(after) } });
  if (after !== null) {
    const pending = await tx.$queryRawUnsafe<{ id: string; action: string; resource: string }[]>(`SELECT id, action, resource FROM actions WHERE agent_id = $1 AND status = 'PENDING'`, a.id);
    const outside = pending.filter((p) => !isGranted(after, p.action, p.resource)).map((p) => p.id);
    if (outside.length) {
      await settlePending(txRunner(tx), {
        target: { ids: outside },
        outcome: "rejected",
        cause: "grants",
        reason: { code: "not_granted", message: `Rejected: ${a.name}'s grants changed and no longer cover this action` },
        actor: audit.actor,
        by: audit.by,
      });
    }
  }
  // Any other open request was made against grants that no longer hold.
  await supersede(tx, a, audit.actor, "the agent's grants changed");
  const w = wideningOf(before, after);
  await auditTx(tx, {
    actor: audit.actor,
    kind: "agent.capabilities_changed",
    subject: `agent:${a.id}`,
    agentId: a.id,
    cohort: a.cohort,
    data: {
      name: a.name,
      before,
      after,
      widens: w.widens,
      added: w.added,
      ...(audit.reason ? { reason: audit.reason } : {}),
      ...(audit.requestedBy ? { requestedBy: audit.requestedBy } : {}),
      ...(audit.confirmedBy ? { confirmedBy: audit.confirmedBy } : {}),
    },
  });
  await tx.$executeRawUnsafe(notifySql, CHANNEL.agents, a.id);
}

/**
 * Whether `email` owns the agent now or has owned it (agent_ownerships): a past owner could
 * otherwise hand the agent to someone else, widen its grants alone, and take it back.
 */
async function ownsOrOwned(tx: Tx, agentId: string, owner: string, email: string): Promise<boolean> {
  if (isAgentOwner(owner, email)) return true;
  return (await ownersSince(txRunner(tx), agentId, new Date(0))).some((o) => isAgentOwner(o, email));
}

async function lockAgent(tx: Tx, agentId: string) {
  // HALT_LOCK before the row, in the order halts take them (no deadlock with a halt).
  await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${HALT_LOCK})`);
  const rows = await tx.$queryRawUnsafe<{ id: string; name: string; owner: string; capabilities: unknown; cohort: string }[]>(
    `SELECT a.id, a.name, a.owner, a.capabilities, c.name AS cohort FROM agents a JOIN cohorts c ON c.id = a.cohort_id WHERE a.id = $1 FOR UPDATE OF a`,
    agentId,
  );
  if (!rows[0]) throw notFound("Agent");
  return rows[0];
}

/**
 * Sets an agent's capability grants (admins). A change that only narrows (or keeps) what the
 * agent may do applies at once; so does a widening by anyone who never owned the agent. A
 * widening by someone who owns or owned it (the ownership history, so handing the agent over
 * and back doesn't get round it) is recorded as a pending request that another person
 * confirms (`decideCapabilityChange`) — nobody widens their own agent's grants alone. Pending
 * actions a narrowing leaves outside the grants are rejected.
 *
 * Once this returns "applied", no decision on any instance uses the old grants (HALT_LOCK).
 * Throws not_found.
 */
export async function setAgentCapabilities({ agentId, capabilities, principal, reason }: { agentId: string; capabilities: Capabilities; principal: Principal; reason?: string }): Promise<SetCapabilitiesResult> {
  const actor = `user:${principal.userId}`;
  return prisma().$transaction(
    async (tx) => {
      const a = await lockAgent(tx, agentId);
      const before = capabilitiesOf(a.capabilities);
      if (same(before, capabilities)) return { status: "unchanged" as const, capabilities: before };
      const w = wideningOf(before, capabilities);
      if (w.widens && (await ownsOrOwned(tx, agentId, a.owner, principal.email))) {
        await supersede(tx, a, actor, "a newer request replaced it");
        const change = await tx.capabilityChange.create({
          data: { id: newId("cap"), agentId, proposal: { before, after: capabilities } as Prisma.InputJsonValue, requestedById: principal.userId, requestedBy: principal.email, reason: reason ?? "" },
          include: { agent: { select: { name: true } } },
        });
        await auditTx(tx, {
          actor,
          kind: "agent.capabilities_requested",
          subject: `agent:${agentId}`,
          agentId,
          cohort: a.cohort,
          data: { name: a.name, changeId: change.id, before, after: capabilities, added: w.added, ...(reason ? { reason } : {}) },
        });
        return { status: "pending" as const, capabilities: before, change: presentChange(change) };
      }
      await apply(tx, a, before, capabilities, { actor, by: principal.email, reason });
      return { status: "applied" as const, capabilities };
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
}

/**
 * Sets an agent's grants on behalf of the system (the demo seed, provisioning scripts):
 * applied at once — no owner is acting — audited with before and after, exact like any change.
 * Throws not_found.
 */
export async function grantCapabilities({ agentId, capabilities, actor }: { agentId: string; capabilities: Capabilities; actor: string }): Promise<void> {
  await prisma().$transaction(async (tx) => {
    const a = await lockAgent(tx, agentId);
    const before = capabilitiesOf(a.capabilities);
    if (!same(before, capabilities)) await apply(tx, a, before, capabilities, { actor, by: actor });
  });
}

export const capabilityDecisionSchema = z.strictObject({
  decision: z.enum(["confirm", "reject"]),
  comment: z.string().trim().max(2000, "at most 2,000 characters").optional(),
});
export type CapabilityDecision = z.infer<typeof capabilityDecisionSchema>;

/**
 * A second person confirms or rejects an owner's request to widen their agent's grants.
 * Neither the requester nor anyone who owns or owned the agent may decide it. A request made against grants
 * that have changed since is refused (409 capabilities_changed) and marked superseded.
 *
 * Throws not_found, capability_change_decided / capabilities_changed (conflicts),
 * second_person_required / owner_cannot_approve_alone (forbidden).
 */
export async function decideCapabilityChange({ changeId, principal, input }: { changeId: string; principal: Principal; input: CapabilityDecision }): Promise<CapabilityChangeView> {
  const actor = `user:${principal.userId}`;
  let supersededMessage: string | null = null;
  const view = await prisma().$transaction(
    async (tx) => {
      const found = await tx.capabilityChange.findUnique({ where: { id: changeId }, select: { agentId: true } });
      if (!found) throw notFound("Capability change");
      const a = await lockAgent(tx, found.agentId);
      const c = await tx.capabilityChange.findUniqueOrThrow({ where: { id: changeId }, include: { agent: { select: { name: true } } } });
      if (c.status !== "PENDING") throw conflict("capability_change_decided", `This request is already ${c.status.toLowerCase()}`);
      if (c.requestedById === principal.userId || c.requestedBy.toLowerCase() === principal.email.toLowerCase()) {
        throw new WardenError("second_person_required", "You asked for this change: someone else must confirm or reject it");
      }
      if (await ownsOrOwned(tx, a.id, a.owner, principal.email)) throw new WardenError("owner_cannot_approve_alone", "You own (or owned) this agent: someone who never did must decide on widening its grants");
      const proposal = presentChange(c);
      const current = capabilitiesOf(a.capabilities);
      if (!same(current, proposal.before)) {
        await supersede(tx, a, actor, "the agent's grants changed since it was made", [changeId]);
        supersededMessage = "The agent's grants changed since this request was made; ask again";
        return null;
      }
      const decided = await tx.capabilityChange.update({
        where: { id: changeId },
        data: { status: input.decision === "confirm" ? "CONFIRMED" : "REJECTED", decidedById: principal.userId, decidedBy: principal.email, comment: input.comment ?? "", decidedAt: new Date() },
        include: { agent: { select: { name: true } } },
      });
      if (input.decision === "confirm") {
        await apply(tx, a, current, proposal.after, { actor, by: principal.email, reason: c.reason || undefined, requestedBy: c.requestedBy, confirmedBy: principal.email });
      } else {
        await auditTx(tx, {
          actor,
          kind: "agent.capabilities_rejected",
          subject: `agent:${a.id}`,
          agentId: a.id,
          cohort: a.cohort,
          data: { name: a.name, changeId, requestedBy: c.requestedBy, after: proposal.after, comment: input.comment ?? null },
        });
      }
      return presentChange(decided);
    },
    { timeout: 30_000, maxWait: 10_000 },
  );
  if (!view) throw conflict("capabilities_changed", supersededMessage ?? "The agent's grants changed since this request was made");
  return view;
}

export const listCapabilityChangesSchema = z.object({ status: z.enum(["pending", "decided", "all"]).default("pending"), agent: z.string().max(64).optional() });

/** Requests to widen grants: pending ones (default), decided ones, or all; newest first, at most 200. */
export async function listCapabilityChanges(filter: { status?: "pending" | "decided" | "all"; agent?: string } = {}): Promise<CapabilityChangeView[]> {
  const status = filter.status ?? "pending";
  const rows = await prisma().capabilityChange.findMany({
    where: {
      ...(filter.agent ? { agentId: filter.agent } : {}),
      ...(status === "pending" ? { status: "PENDING" as const } : status === "decided" ? { status: { not: "PENDING" as const } } : {}),
    },
    include: { agent: { select: { name: true } } },
    orderBy: { createdAt: "desc" },
    take: 200,
  });
  return rows.map(presentChange);
}

/** Used by the PATCH route: refuses a change of grants from anyone without agents:grant. */
export function assertCanGrant(allowed: boolean): void {
  if (!allowed) throw forbidden("Only admins grant capabilities");
}
