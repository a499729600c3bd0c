import { CreateTeamForm, TeamsList } from "@/components/teams-admin.tsx";
import { PageHeader, Panel } from "@/components/ui/panel.tsx";
import { listCohorts } from "@/lib/cohorts/index.ts";
import { listTeams, pendingPerTeam } from "@/lib/teams/index.ts";
import { listUsers } from "@/lib/users/index.ts";
import { requirePermission } from "../../session.ts";
import { count } from "@/components/ui/count.ts";

export const metadata = { title: "Teams" };

/** Approver teams (admins): who approves which stage, and where each cohort's hand-offs go. */
export default async function TeamsPage() {
  await requirePermission("users:write");
  const [teams, users, cohorts, pending] = await Promise.all([listTeams(), listUsers(), listCohorts(), pendingPerTeam()]);
  const people = users.filter((u) => !u.disabled && (u.role === "approver" || u.role === "admin")).map((u) => ({ id: u.id, email: u.email, name: u.name, role: u.role }));
  const cohortNames = cohorts.map((c) => c.name);
  return (
    <>
      <PageHeader title="Teams" subtitle="Policies route approvals to teams by stage; a cohort's default team takes its agents' hand-offs." />
      <div className="grid items-start gap-6 xl:grid-cols-3">
        <Panel title="Approver teams" description={count(teams.length, "team")} className="xl:col-span-2" flush>
          <TeamsList teams={teams.map((t) => ({ ...t, pending: pending.get(t.id) ?? 0 }))} people={people} cohorts={cohortNames} />
        </Panel>
        <Panel title="Add a team">
          <CreateTeamForm people={people} cohorts={cohortNames} />
        </Panel>
      </div>
    </>
  );
}
