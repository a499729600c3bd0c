/** A team as the API shows it. */
export type TeamView = {
  id: string;
  name: string;
  description: string;
  members: { id: string; email: string; name: string; role: string }[];
  cohorts: string[];
  createdAt: string;
  updatedAt: string;
};

type TeamRow = {
  id: string;
  name: string;
  description: string;
  createdAt: Date;
  updatedAt: Date;
  members: { user: { id: string; email: string; name: string; role: string } }[];
  cohorts: { cohort: string }[];
};

export const teamInclude = { members: { include: { user: { select: { id: true, email: true, name: true, role: true } } } }, cohorts: true } as const;

export function presentTeam(t: TeamRow): TeamView {
  return {
    id: t.id,
    name: t.name,
    description: t.description,
    members: t.members.map((m) => ({ id: m.user.id, email: m.user.email, name: m.user.name, role: m.user.role.toLowerCase() })).sort((a, b) => a.email.localeCompare(b.email)),
    cohorts: t.cohorts.map((c) => c.cohort).sort(),
    createdAt: t.createdAt.toISOString(),
    updatedAt: t.updatedAt.toISOString(),
  };
}
