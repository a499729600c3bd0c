import { prisma } from "../db/index.ts";
import { createPolicy, policySpecSchema } from "../policies/index.ts";
import { createTeam } from "../teams/index.ts";
import { createUser } from "../users/index.ts";

/** The demo's approvers by team (README "Escalation paths"). Arthur (DEMO_USERS) joins two teams. */
export const DEMO_TEAM_USERS = [
  { email: "margaux.merch@maison.example", name: "Margaux Lefèvre", role: "approver" as const },
  { email: "felix.finance@maison.example", name: "Félix Moreau", role: "approver" as const },
  { email: "nina.finance@maison.example", name: "Nina Roux", role: "approver" as const },
  { email: "camille.care@maison.example", name: "Camille Girard", role: "approver" as const },
  { email: "oscar.ops@maison.example", name: "Oscar Blanc", role: "approver" as const },
];

export const DEMO_TEAMS = [
  { name: "merchandising", description: "Category merchandisers: markdowns and price moves", members: ["margaux.merch@maison.example", "arthur.approver@maison.example"], cohorts: ["pricing"] },
  { name: "finance", description: "Finance controllers: deep markdowns and big money", members: ["felix.finance@maison.example", "nina.finance@maison.example"], cohorts: [] },
  { name: "client-care-leads", description: "Client care leads: refunds and agents' hand-offs", members: ["camille.care@maison.example", "arthur.approver@maison.example"], cohorts: ["customer-service"] },
  { name: "ops-leads", description: "Operations leads: the fallback when nobody answers", members: ["oscar.ops@maison.example"], cohorts: ["inventory", "stylist"] },
];

/** Staged policies and a confidence rule, on top of DEMO_POLICIES. */
export const DEMO_ESCALATION_POLICIES = [
  {
    name: "deep-markdown-escalation",
    description: "A markdown deeper than 40 % goes to the category's merchandiser, then to finance; nobody answering climbs, and ops leads are the last resort.",
    effect: "require_approval",
    target: { cohorts: ["pricing"], actions: ["pricing.set_price"] },
    condition: "input.price < input.currentPrice * 0.6",
    priority: 160,
    message: "Markdowns over 40 % need merchandising, then finance",
    approval: {
      stages: [
        { team: "merchandising", quorum: 1, timeoutSeconds: 1800, onTimeout: "escalate" },
        { team: "finance", quorum: 1, timeoutSeconds: 7200, onTimeout: "escalate" },
      ],
      fallbackTeam: "ops-leads",
      editable: ["input.price"],
    },
  },
  {
    name: "low-confidence-review",
    description: "When an agent says it is unsure (context.confidence below 0.6), a client care lead looks first.",
    effect: "require_approval",
    target: { cohorts: ["customer-service"] },
    condition: "has(context.confidence) && context.confidence < 0.6",
    priority: 140,
    message: "The agent is not sure: a client care lead checks",
    approval: { stages: [{ team: "client-care-leads", quorum: 1, timeoutSeconds: 1800, onTimeout: "reject" }], editable: ["input.amount"] },
  },
] as const;

/**
 * The demo's escalation paths: team approvers (the shared demo password), four teams with
 * their default cohorts, and staged policies. Returns the approvers created, for the banner.
 */
export async function seedDemoEscalation(password: string): Promise<string[]> {
  const actor = "system";
  const created: string[] = [];
  for (const u of DEMO_TEAM_USERS) {
    if (await prisma().user.findUnique({ where: { email: u.email }, select: { id: true } })) continue;
    await createUser({ input: { ...u, password }, actor });
    created.push(`${u.email} (${u.role})`);
  }
  const ids = new Map((await prisma().user.findMany({ select: { id: true, email: true } })).map((u) => [u.email, u.id]));
  const cohorts = new Set((await prisma().cohort.findMany({ select: { name: true } })).map((c) => c.name));
  for (const t of DEMO_TEAMS) {
    if (await prisma().team.findUnique({ where: { name: t.name }, select: { id: true } })) continue;
    const members = t.members.map((e) => ids.get(e)).filter((id): id is string => Boolean(id));
    await createTeam({ input: { name: t.name, description: t.description, members, cohorts: t.cohorts.filter((c) => cohorts.has(c)) }, actor });
  }
  for (const p of DEMO_ESCALATION_POLICIES) {
    if (await prisma().policy.findUnique({ where: { name: p.name }, select: { id: true } })) continue;
    await createPolicy({ spec: policySpecSchema.parse(p), actor, userId: null });
  }
  return created;
}
