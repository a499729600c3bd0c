import Link from "next/link";
import { Badge, Card, PageHeader, Stat, statusTone, Table, Td, Time } from "@/components/ui/primitives.tsx";
import { listAgents } from "@/lib/agents/index.ts";
import { listAuditEvents } from "@/lib/audit/index.ts";
import { listCohorts } from "@/lib/cohorts/index.ts";
import { listActions } from "@/lib/decisions/index.ts";
import { listPolicies } from "@/lib/policies/index.ts";

export const metadata = { title: "Overview" };

export default async function Overview() {
  const [agents, cohorts, policies, pending, recent, audit] = await Promise.all([
    listAgents(),
    listCohorts(),
    listPolicies(),
    listActions({ status: "pending", limit: 200 }),
    listActions({ limit: 12 }),
    listAuditEvents({ limit: 10 }),
  ]);
  const halted = agents.filter((a) => a.status === "halted").length;
  return (
    <>
      <PageHeader title="Overview" subtitle="What your agents are doing, and what Warden is stopping." />
      <div className="grid grid-cols-2 gap-4 lg:grid-cols-5">
        <Stat label="Agents" value={agents.length} />
        <Stat label="Halted agents" value={halted} tone={halted ? "red" : undefined} />
        <Stat label="Cohorts" value={cohorts.length} />
        <Stat label="Active policies" value={policies.filter((p) => p.enabled).length} />
        <Stat label="Pending approvals" value={pending.actions.length} tone={pending.actions.length ? "amber" : undefined} />
      </div>
      <div className="mt-6 grid gap-6 xl:grid-cols-2">
        <Card title="Cohorts" actions={<Link className="text-sm text-brand-600 hover:underline" href="/cohorts">All cohorts</Link>}>
          <Table head={["Cohort", "Agents", "Status"]}>
            {cohorts.map((c) => (
              <tr key={c.id}>
                <Td>{c.name}</Td>
                <Td>{c.agents}</Td>
                <Td>
                  <Badge tone={statusTone(c.status)}>{c.status}</Badge>
                </Td>
              </tr>
            ))}
          </Table>
        </Card>
        <Card title="Latest decisions">
          <Table head={["When", "Agent", "Action", "Decision"]}>
            {recent.actions.map((a) => (
              <tr key={a.id}>
                <Td><Time iso={a.createdAt} /></Td>
                <Td><Link className="text-brand-600 hover:underline" href={`/agents/${a.agentId}`}>{a.agentName}</Link></Td>
                <Td mono><Link className="hover:underline" href={`/actions/${a.id}`}>{a.action}</Link></Td>
                <Td><Badge tone={statusTone(a.status)}>{a.status}</Badge></Td>
              </tr>
            ))}
          </Table>
          {recent.actions.length === 0 && <p className="py-6 text-center text-sm text-slate-500">No decisions yet. Run <code>npm run demo:agents</code> to drive demo traffic.</p>}
        </Card>
        <Card title="Latest audit events" className="xl:col-span-2" actions={<Link className="text-sm text-brand-600 hover:underline" href="/audit">Audit log</Link>}>
          <Table head={["Seq", "When", "Actor", "Kind", "Subject"]}>
            {audit.events.map((e) => (
              <tr key={e.seq}>
                <Td mono>{e.seq}</Td>
                <Td><Time iso={e.at} /></Td>
                <Td mono>{e.actor}</Td>
                <Td><Badge tone="blue">{e.kind}</Badge></Td>
                <Td mono>{e.subject}</Td>
              </tr>
            ))}
          </Table>
        </Card>
      </div>
    </>
  );
}
