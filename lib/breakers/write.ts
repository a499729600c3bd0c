import { auditTx } from "../audit/index.ts";
import { prisma, type Breaker, type Tx } from "../db/index.ts";
import { badRequest, conflict, notFound } from "../errors/index.ts";
import { CHANNEL, notifySql } from "../events/index.ts";
import { newId } from "../ids.ts";
import { bucketSql } from "../signals/index.ts";
import { specOf } from "./present.ts";
import type { BreakerSpec } from "./schema.ts";
import { closeBreaker } from "./transitions.ts";
import { breakerWatchCache } from "./watch.ts";

async function validateScope(tx: Tx, spec: BreakerSpec): Promise<void> {
  if ("agent" in spec.scope) {
    if (!(await tx.agent.findUnique({ where: { id: spec.scope.agent }, select: { id: true } }))) throw badRequest("invalid_scope", `scope.agent: no agent ${spec.scope.agent}`);
  } else if (!(await tx.cohort.findUnique({ where: { name: spec.scope.cohort }, select: { id: true } }))) {
    throw badRequest("invalid_scope", `scope.cohort: no cohort named ${spec.scope.cohort}`);
  }
}

function columns(spec: BreakerSpec) {
  return {
    name: spec.name,
    description: spec.description,
    scopeKind: "agent" in spec.scope ? ("AGENT" as const) : ("COHORT" as const),
    scopeValue: "agent" in spec.scope ? spec.scope.agent : spec.scope.cohort,
    metric: spec.metric,
    windowSeconds: spec.windowSeconds,
    threshold: spec.threshold,
    minSamples: spec.minSamples,
    opens: spec.opens === "agent" ? ("AGENT" as const) : ("COHORT" as const),
    recoveryMode: spec.recovery.mode,
    cooldownSeconds: spec.recovery.mode === "half_open" ? spec.recovery.cooldownSeconds : null,
    probes: spec.recovery.mode === "half_open" ? spec.recovery.probes : null,
    openOnAnomaly: spec.openOnAnomaly,
  };
}

async function changed(tx: Tx, kind: "breaker.created" | "breaker.updated" | "breaker.deleted", actor: string, b: Breaker, data: Record<string, unknown>) {
  await auditTx(tx, { actor, kind, subject: `breaker:${b.id}`, ...(b.scopeKind === "COHORT" ? { cohort: b.scopeValue } : { agentId: b.scopeValue }), data: { name: b.name, ...data } });
  await tx.$executeRawUnsafe(notifySql, CHANNEL.breakers, b.id);
}

/** Creates a closed breaker counting samples from now (audited). Throws invalid_scope, breaker_exists. */
export async function createBreaker({ spec, actor, userId }: { spec: BreakerSpec; actor: string; userId: string | null }): Promise<Breaker> {
  const b = await prisma().$transaction(async (tx) => {
    await validateScope(tx, spec);
    if (await tx.breaker.findUnique({ where: { name: spec.name }, select: { id: true } })) throw conflict("breaker_exists", `A breaker named ${spec.name} already exists`);
    const id = newId("brk");
    const since = (await tx.$queryRawUnsafe<{ t: Date }[]>(`SELECT ${bucketSql("clock_timestamp()")} AS t`))[0]!.t;
    const created = await tx.breaker.create({ data: { id, ...columns(spec), samplesSince: since, createdById: userId } });
    await changed(tx, "breaker.created", actor, created, { spec: specOf(created) });
    return created;
  });
  breakerWatchCache().invalidate();
  return b;
}

/**
 * Replaces a breaker's settings (a new version, audited before/after); its state is kept. What
 * an open or half-open breaker holds was decided by its old scope, so changing its scope or what
 * it opens is refused until it is reset (409 breaker_open) — it would otherwise hold one thing
 * while showing another. Throws not_found, invalid_scope, breaker_exists, breaker_open.
 */
export async function updateBreaker({ id, spec, actor }: { id: string; spec: BreakerSpec; actor: string }): Promise<Breaker> {
  const b = await prisma().$transaction(async (tx) => {
    // Locked: an opening in flight (it locks the row too) finishes first, and is seen below.
    await tx.$queryRawUnsafe(`SELECT id FROM breakers WHERE id = $1 FOR UPDATE`, id);
    const before = await tx.breaker.findUnique({ where: { id } });
    if (!before) throw notFound("Breaker");
    await validateScope(tx, spec);
    const next = columns(spec);
    if (before.state !== "CLOSED" && (next.scopeKind !== before.scopeKind || next.scopeValue !== before.scopeValue || next.opens !== before.opens)) {
      throw conflict("breaker_open", `Breaker ${before.name} is ${before.state === "OPEN" ? "open" : "half-open"}: reset it before changing its scope or what it opens`);
    }
    if (spec.name !== before.name && (await tx.breaker.findUnique({ where: { name: spec.name }, select: { id: true } }))) throw conflict("breaker_exists", `A breaker named ${spec.name} already exists`);
    const after = await tx.breaker.update({ where: { id }, data: { ...columns(spec), version: { increment: 1 } } });
    await changed(tx, "breaker.updated", actor, after, { version: after.version, before: specOf(before), after: specOf(after) });
    return after;
  });
  breakerWatchCache().invalidate();
  return b;
}

/** Removes a breaker (an open one is closed first: released at once, audited, `breaker.closed` sent). Throws not_found. */
export async function deleteBreaker({ id, actor, by }: { id: string; actor: string; by: string }): Promise<{ id: string; deleted: true }> {
  // An open (or half-open) breaker is closed first, like a reset: what it held is released on
  // every instance and `breaker.closed` (cause "deleted") tells whoever heard it open.
  await closeBreaker(id, { cause: "deleted", actor, by, reason: "the breaker was deleted" });
  await prisma().$transaction(async (tx) => {
    const b = await tx.breaker.findUnique({ where: { id } });
    if (!b) throw notFound("Breaker");
    await tx.breaker.delete({ where: { id } });
    await changed(tx, "breaker.deleted", actor, b, { spec: specOf(b), state: b.state.toLowerCase() });
  });
  breakerWatchCache().invalidate();
  return { id, deleted: true };
}

/**
 * An operator closes an open or half-open breaker, saying why: audited, `breaker.closed`
 * webhook, and its samples restart from now. Throws not_found, breaker_closed (409: it is
 * already closed).
 */
export async function resetBreaker({ id, reason, actor, by }: { id: string; reason: string; actor: string; by: string }): Promise<void> {
  const b = await prisma().breaker.findUnique({ where: { id }, select: { state: true } });
  if (!b) throw notFound("Breaker");
  if (b.state === "CLOSED" || !(await closeBreaker(id, { cause: "reset", actor, by, reason }))) throw conflict("breaker_closed", "This breaker is already closed");
}
