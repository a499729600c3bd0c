/**
 * Approver teams (README "Escalation paths"): named groups of approvers that policies' stages
 * route to, each optionally the default team of some cohorts (agents' hand-offs go there when
 * no policy routes them). Writing (write-team.ts, audited, NOTIFY warden_teams), reading, the
 * per-instance directory the decision path resolves team names with (directory.ts), and the
 * check a policy's routing must pass (check-routing.ts).
 */
export { createTeam, updateTeam } from "./write-team.ts";
export { listTeams, getTeam, teamsOf, isTeamMember, memberEmailsOf, pendingPerTeam } from "./read-teams.ts";
export { teamDirectory, type TeamDirectory, type TeamRef } from "./directory.ts";
export { assertTeamsCanApprove, type TeamNeed } from "./check-routing.ts";
export { teamInputSchema, teamUpdateSchema, teamNameSchema, type TeamInput } from "./schemas.ts";
export type { TeamView } from "./present.ts";
export { teamsApi, teamViewSchema } from "./openapi.ts";
