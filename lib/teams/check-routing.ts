import type { SqlRunner } from "../db/index.ts";
import { badRequest } from "../errors/index.ts";

/** A team a policy routes to and how many of its members a stage needs. */
export type TeamNeed = { team: string; quorum: number; path: string };

/**
 * Checks that every team a policy's approval routes to exists and has at least each stage's
 * quorum of members who can approve (approvers and admins, not disabled). Locks those teams
 * `FOR SHARE` in the caller's transaction, so a concurrent team change waits for the policy
 * (or the policy for it). Throws 400 unknown_team / quorum_exceeds_team, with the paths.
 */
export async function assertTeamsCanApprove(run: SqlRunner, needs: TeamNeed[]): Promise<void> {
  if (needs.length === 0) return;
  const names = [...new Set(needs.map((n) => n.team))];
  const found = await run<{ id: string; name: string }>(`SELECT id, name FROM teams WHERE name = ANY($1::text[]) FOR SHARE`, [names]);
  const unknown = needs.filter((n) => !found.some((f) => f.name === n.team));
  if (unknown.length) {
    throw badRequest("unknown_team", `No team named ${[...new Set(unknown.map((u) => u.team))].join(", ")} (create it under Teams first)`, unknown.map((u) => ({ path: u.path, team: u.team })));
  }
  const counts = await run<{ name: string; approvers: number }>(
    `SELECT t.name, count(u.id)::int AS approvers FROM teams t
       LEFT JOIN team_members m ON m.team_id = t.id
       LEFT JOIN users u ON u.id = m.user_id AND u.role IN ('APPROVER', 'ADMIN') AND u.disabled_at IS NULL
      WHERE t.name = ANY($1::text[]) GROUP BY t.name`,
    [names],
  );
  const size = new Map(counts.map((c) => [c.name, c.approvers]));
  const short = needs.filter((n) => n.quorum > (size.get(n.team) ?? 0));
  if (short.length) {
    throw badRequest(
      "quorum_exceeds_team",
      short.map((s) => `${s.path}: quorum ${s.quorum} but ${s.team} has ${size.get(s.team) ?? 0} member(s) who can approve`).join("; "),
      short.map((s) => ({ path: s.path, team: s.team, quorum: s.quorum, approvers: size.get(s.team) ?? 0 })),
    );
  }
}
