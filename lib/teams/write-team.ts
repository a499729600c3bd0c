import { auditTx } from "../audit/index.ts";
import { prisma, type Tx } from "../db/index.ts";
import { badRequest, conflict, notFound } from "../errors/index.ts";
import { CHANNEL, notifySql } from "../events/index.ts";
import { newId } from "../ids.ts";
import { teamDirectory } from "./directory.ts";
import { presentTeam, teamInclude, type TeamView } from "./present.ts";
import type { TeamInput } from "./schemas.ts";

/** Members must exist and be able to approve (approver or admin, not disabled). Throws 400 unknown_user / member_cannot_approve. */
async function checkMembers(tx: Tx, members: string[]): Promise<{ id: string; email: string }[]> {
  const users = await tx.user.findMany({ where: { id: { in: members } }, select: { id: true, email: true, role: true, disabledAt: true } });
  const missing = members.filter((m) => !users.some((u) => u.id === m));
  if (missing.length) throw badRequest("unknown_user", `No user with id ${missing.join(", ")}`, { missing });
  const cannot = users.filter((u) => (u.role !== "APPROVER" && u.role !== "ADMIN") || u.disabledAt);
  if (cannot.length) {
    throw badRequest("member_cannot_approve", `Team members approve: ${cannot.map((u) => u.email).join(", ")} ${cannot.length > 1 ? "are not approvers or admins" : "is not an approver or admin"} (or disabled)`, {
      members: cannot.map((u) => ({ id: u.id, email: u.email, role: u.role.toLowerCase(), disabled: u.disabledAt !== null })),
    });
  }
  return users.map((u) => ({ id: u.id, email: u.email }));
}

/** Cohorts must exist and have no other default team. Throws 400 unknown_cohort, 409 cohort_has_team. */
async function checkCohorts(tx: Tx, cohorts: string[], teamId: string | null): Promise<void> {
  if (cohorts.length === 0) return;
  const existing = await tx.cohort.findMany({ where: { name: { in: cohorts } }, select: { name: true } });
  const missing = cohorts.filter((c) => !existing.some((e) => e.name === c));
  if (missing.length) throw badRequest("unknown_cohort", `No cohort named ${missing.join(", ")}`, { missing });
  const taken = await tx.teamCohort.findMany({ where: { cohort: { in: cohorts }, ...(teamId ? { teamId: { not: teamId } } : {}) }, include: { team: { select: { name: true } } } });
  if (taken.length) {
    throw conflict("cohort_has_team", `A cohort has one default team: ${taken.map((t) => `${t.cohort} → ${t.team.name}`).join(", ")}`, { taken: taken.map((t) => ({ cohort: t.cohort, team: t.team.name })) });
  }
}

type Routed = { policy: string; quorums: number[]; fallback: boolean };

/**
 * The policies whose current version routes to the team by name (a stage or the fallback team),
 * read straight from policy_versions: the team can't be renamed under them, nor shrunk below
 * their quorum.
 */
async function policiesRoutingTo(tx: Tx, name: string): Promise<Routed[]> {
  const rows = await tx.$queryRawUnsafe<{ name: string; approval_stages: { team?: string; quorum: number }[] | null; approval_fallback_team: string | null }[]>(
    `SELECT p.name, v.approval_stages, v.approval_fallback_team FROM policies p JOIN policy_versions v ON v.policy_id = p.id AND v.version = p.version
      WHERE v.approval_fallback_team = $1 OR v.approval_stages @> jsonb_build_array(jsonb_build_object('team', $1::text))`,
    name,
  );
  return rows.map((r) => ({ policy: r.name, quorums: (r.approval_stages ?? []).filter((s) => s.team === name).map((s) => s.quorum), fallback: r.approval_fallback_team === name }));
}

async function changed<T>(committed: Promise<T>): Promise<T> {
  const r = await committed;
  teamDirectory().invalidate();
  return r;
}

/** Creates a team (audited `team.created`). Throws 409 team_exists, and what checkMembers/checkCohorts throw. */
export async function createTeam({ input, actor }: { input: TeamInput; actor: string }): Promise<TeamView> {
  return changed(
    prisma().$transaction(async (tx) => {
      if (await tx.team.findUnique({ where: { name: input.name }, select: { id: true } })) throw conflict("team_exists", `A team named ${input.name} already exists`);
      const members = await checkMembers(tx, input.members);
      await checkCohorts(tx, input.cohorts ?? [], null);
      const id = newId("team");
      const t = await tx.team.create({
        data: {
          id,
          name: input.name,
          description: input.description ?? "",
          members: { create: input.members.map((userId) => ({ userId })) },
          cohorts: { create: (input.cohorts ?? []).map((cohort) => ({ cohort })) },
        },
        include: teamInclude,
      });
      await auditTx(tx, { actor, kind: "team.created", subject: `team:${id}`, data: { name: t.name, description: t.description, members, cohorts: input.cohorts ?? [] } });
      await tx.$executeRawUnsafe(notifySql, CHANNEL.teams, id);
      return presentTeam(t);
    }),
  );
}

/**
 * Replaces a team's name, description, members and default cohorts (audited `team.updated`
 * with before/after and who joined or left). A team that policies route to keeps its name
 * (409 team_in_use) and at least as many members as their stages' quorum (409 team_too_small).
 * Throws 404, 409 team_exists, and what checkMembers/checkCohorts throw.
 */
export async function updateTeam({ teamId, input, actor }: { teamId: string; input: TeamInput; actor: string }): Promise<TeamView> {
  return changed(
    prisma().$transaction(async (tx) => {
      // Locked: a policy saved meanwhile (which reads teams FOR SHARE) sees the team before or after, never half-changed.
      const locked = await tx.$queryRawUnsafe<{ id: string }[]>(`SELECT id FROM teams WHERE id = $1 FOR UPDATE`, teamId);
      if (!locked[0]) throw notFound("Team");
      const before = await tx.team.findUniqueOrThrow({ where: { id: teamId }, include: teamInclude });
      if (input.name !== before.name && (await tx.team.findUnique({ where: { name: input.name }, select: { id: true } }))) {
        throw conflict("team_exists", `A team named ${input.name} already exists`);
      }
      const members = await checkMembers(tx, input.members);
      await checkCohorts(tx, input.cohorts ?? [], teamId);
      const routed = await policiesRoutingTo(tx, before.name);
      if (input.name !== before.name && routed.length) {
        throw conflict("team_in_use", `Policies route to ${before.name} by name (${routed.map((r) => r.policy).join(", ")}): change them first`, { policies: routed.map((r) => r.policy) });
      }
      const short = routed.filter((r) => Math.max(r.fallback ? 1 : 0, ...r.quorums) > input.members.length);
      if (short.length) {
        throw conflict("team_too_small", `${short.map((r) => `${r.policy} needs ${Math.max(1, ...r.quorums)}`).join(", ")} approver(s) from ${before.name}; it would have ${input.members.length}`, {
          policies: short.map((r) => ({ policy: r.policy, quorum: Math.max(1, ...r.quorums) })),
        });
      }
      await tx.teamMember.deleteMany({ where: { teamId, userId: { notIn: input.members } } });
      await tx.teamMember.createMany({ data: input.members.map((userId) => ({ teamId, userId })), skipDuplicates: true });
      await tx.teamCohort.deleteMany({ where: { teamId } });
      await tx.teamCohort.createMany({ data: (input.cohorts ?? []).map((cohort) => ({ cohort, teamId })) });
      const t = await tx.team.update({ where: { id: teamId }, data: { name: input.name, description: input.description ?? before.description }, include: teamInclude });
      const old = presentTeam(before);
      const now = presentTeam(t);
      const pick = (v: typeof old) => ({ name: v.name, description: v.description, cohorts: v.cohorts });
      const b = pick(old);
      const a = pick(now);
      const keys = (Object.keys(a) as (keyof typeof a)[]).filter((k) => JSON.stringify(a[k]) !== JSON.stringify(b[k]));
      await auditTx(tx, {
        actor,
        kind: "team.updated",
        subject: `team:${teamId}`,
        data: {
          name: t.name,
          before: Object.fromEntries(keys.map((k) => [k, b[k]])),
          after: Object.fromEntries(keys.map((k) => [k, a[k]])),
          added: members.filter((m) => !old.members.some((o) => o.id === m.id)),
          removed: old.members.filter((o) => !input.members.includes(o.id)).map((o) => ({ id: o.id, email: o.email })),
        },
      });
      await tx.$executeRawUnsafe(notifySql, CHANNEL.teams, teamId);
      return now;
    }),
  );
}
