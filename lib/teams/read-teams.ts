import { pool, prisma, type SqlRunner } from "../db/index.ts";
import { notFound } from "../errors/index.ts";
import { presentTeam, teamInclude, type TeamView } from "./present.ts";

export async function listTeams(): Promise<TeamView[]> {
  const rows = await prisma().team.findMany({ orderBy: { name: "asc" }, include: teamInclude });
  return rows.map(presentTeam);
}

export async function getTeam(teamId: string): Promise<TeamView> {
  const t = await prisma().team.findUnique({ where: { id: teamId }, include: teamInclude });
  if (!t) throw notFound("Team");
  return presentTeam(t);
}

/** The ids and names of the teams a user is in. */
export async function teamsOf(userId: string): Promise<{ id: string; name: string }[]> {
  const { rows } = await pool().query<{ id: string; name: string }>(`SELECT t.id, t.name FROM team_members m JOIN teams t ON t.id = m.team_id WHERE m.user_id = $1 ORDER BY t.name`, [userId]);
  return rows;
}

/** Whether the user is a member of the team, read in the caller's transaction. */
export async function isTeamMember(run: SqlRunner, teamId: string, userId: string): Promise<boolean> {
  const rows = await run<{ n: number }>(`SELECT 1 AS n FROM team_members WHERE team_id = $1 AND user_id = $2`, [teamId, userId]);
  return rows.length > 0;
}

/** The e-mail addresses of the members of the teams named (lower case), read in the caller's transaction. */
export async function memberEmailsOf(run: SqlRunner, teamNames: string[]): Promise<string[]> {
  if (teamNames.length === 0) return [];
  const rows = await run<{ email: string }>(
    `SELECT DISTINCT lower(u.email) AS email FROM teams t JOIN team_members m ON m.team_id = t.id JOIN users u ON u.id = m.user_id WHERE t.name = ANY($1::text[])`,
    [teamNames],
  );
  return rows.map((r) => r.email);
}

/** How many pending actions wait at a stage of each team (team id → count). */
export async function pendingPerTeam(): Promise<Map<string, number>> {
  const { rows } = await pool().query<{ team_id: string; n: number }>(
    `SELECT stage_team_id AS team_id, count(*)::int AS n FROM actions WHERE status = 'PENDING' AND stage_team_id IS NOT NULL GROUP BY stage_team_id`,
  );
  return new Map(rows.map((r) => [r.team_id, r.n]));
}
