import { auditTx } from "../audit/index.ts";
import { prisma, txRunner, type Tx } from "../db/index.ts";
import { notifySql, CHANNEL } from "../events/index.ts";
import { conflict, notFound } from "../errors/index.ts";
import { newId } from "../ids.ts";
import { assertTeamsCanApprove, type TeamNeed } from "../teams/index.ts";
import { policyCache } from "./cache.ts";
import { presentPolicy, specOf, versionData, type PolicyView } from "./present.ts";
import type { PolicySpec } from "./types.ts";
import { assertConditionCompiles, assertKnowledgeSetsExist } from "./validate.ts";

// This instance sees its own change at once; the others on NOTIFY.
async function changed<T>(committed: Promise<T>): Promise<T> {
  const result = await committed;
  policyCache().invalidate();
  return result;
}

const withVersions = { versions: { orderBy: { version: "desc" as const } } };

/** The teams a require_approval policy routes to, and how many approvers each must have. */
function teamNeeds(spec: PolicySpec): TeamNeed[] {
  if (spec.effect !== "require_approval" || !spec.approval) return [];
  const needs: TeamNeed[] = (spec.approval.stages ?? []).flatMap((s, i) => (s.team ? [{ team: s.team, quorum: s.quorum, path: `approval.stages.${i}.team` }] : []));
  if (spec.approval.fallbackTeam) needs.push({ team: spec.approval.fallbackTeam, quorum: 1, path: "approval.fallbackTeam" });
  return needs;
}

// A stage naming an unknown team, or a quorum its team can't reach: 400 (lib/teams).
const checkRouting = (tx: Tx, spec: PolicySpec) => assertTeamsCanApprove(txRunner(tx), teamNeeds(spec));

/** Creates a policy at version 1. */
export async function createPolicy({ spec, actor, userId }: { spec: PolicySpec; actor: string; userId: string | null }): Promise<PolicyView> {
  assertConditionCompiles(spec);
  await assertKnowledgeSetsExist(spec);
  return changed(prisma().$transaction(async (tx) => {
    if (await tx.policy.findUnique({ where: { name: spec.name }, select: { id: true } })) {
      throw conflict("policy_exists", `A policy named ${spec.name} already exists`);
    }
    await checkRouting(tx, spec);
    const id = newId("pol");
    const p = await tx.policy.create({
      data: { id, name: spec.name, createdById: userId, versions: { create: { id: newId("pv"), version: 1, createdById: userId, ...versionData(spec) } } },
      include: withVersions,
    });
    await auditTx(tx, { actor, kind: "policy.created", subject: `policy:${id}`, data: { name: spec.name, version: 1, spec } });
    await tx.$executeRawUnsafe(notifySql, CHANNEL.policies, id);
    return presentPolicy(p, p.versions[0]!, p.versions);
  }));
}

/** Saves an edit as a new immutable version; earlier versions are kept. */
export async function updatePolicy({ policyId, spec, actor, userId }: { policyId: string; spec: PolicySpec; actor: string; userId: string | null }): Promise<PolicyView> {
  assertConditionCompiles(spec);
  await assertKnowledgeSetsExist(spec);
  return changed(prisma().$transaction(async (tx) => {
    // Lock the policy row: two concurrent edits get consecutive versions, not a clash.
    const locked = await tx.$queryRawUnsafe<{ id: string }[]>(`SELECT id FROM policies WHERE id = $1 FOR UPDATE`, policyId);
    if (!locked[0]) throw notFound("Policy");
    const before = await tx.policy.findUniqueOrThrow({ where: { id: policyId }, include: { versions: { orderBy: { version: "desc" }, take: 1 } } });
    if (spec.name !== before.name && (await tx.policy.findUnique({ where: { name: spec.name }, select: { id: true } }))) {
      throw conflict("policy_exists", `A policy named ${spec.name} already exists`);
    }
    await checkRouting(tx, spec);
    const prev = specOf(before.name, before.versions[0]!);
    const version = before.version + 1;
    const p = await tx.policy.update({
      where: { id: policyId },
      data: { name: spec.name, version, versions: { create: { id: newId("pv"), version, createdById: userId, ...versionData(spec) } } },
      include: withVersions,
    });
    const changed = (Object.keys(spec) as (keyof PolicySpec)[]).filter((k) => JSON.stringify(spec[k]) !== JSON.stringify(prev[k]));
    await auditTx(tx, {
      actor,
      kind: "policy.updated",
      subject: `policy:${policyId}`,
      data: {
        name: spec.name,
        version,
        previousVersion: before.version,
        changed,
        before: Object.fromEntries(changed.map((k) => [k, prev[k] ?? null])),
        after: Object.fromEntries(changed.map((k) => [k, spec[k] ?? null])),
      },
    });
    await tx.$executeRawUnsafe(notifySql, CHANNEL.policies, policyId);
    return presentPolicy(p, p.versions[0]!, p.versions);
  }));
}

export async function setPolicyEnabled({ policyId, enabled, actor }: { policyId: string; enabled: boolean; actor: string }): Promise<PolicyView> {
  return changed(prisma().$transaction(async (tx) => {
    const before = await tx.policy.findUnique({ where: { id: policyId } });
    if (!before) throw notFound("Policy");
    const p = await tx.policy.update({ where: { id: policyId }, data: { enabled }, include: withVersions });
    if (before.enabled !== enabled) {
      await auditTx(tx, { actor, kind: enabled ? "policy.enabled" : "policy.disabled", subject: `policy:${policyId}`, data: { name: p.name, version: p.version } });
      await tx.$executeRawUnsafe(notifySql, CHANNEL.policies, policyId);
    }
    return presentPolicy(p, p.versions[0]!, p.versions);
  }));
}
