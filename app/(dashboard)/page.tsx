import Link from "next/link";
import { AuditEventsTable } from "@/components/audit-events-table.tsx";
import { CohortsTable } from "@/components/cohorts-table.tsx";
import { StatusBadge } from "@/components/ui/badge.tsx";
import { PageHeader, Panel, Stat } from "@/components/ui/panel.tsx";
import { Empty, Table, Td } from "@/components/ui/table.tsx";
import { Time } from "@/components/ui/time.tsx";
import { listAgents } from "@/lib/agents/index.ts";
import { listAuditEvents } from "@/lib/audit/index.ts";
import { listCohorts } from "@/lib/cohorts/index.ts";
import { listActions } from "@/lib/decisions/index.ts";
import { listPolicies } from "@/lib/policies/index.ts";
import { listUsers } from "@/lib/users/index.ts";
import { actorLabels } from "./actor-labels.ts";

export const metadata = { title: "Overview" };

export default async function Overview() {
  const [agents, cohorts, users, policies, pending, recent, audit, labels] = await Promise.all([
    listAgents(),
    listCohorts(),
    listUsers(),
    listPolicies(),
    listActions({ status: "pending", limit: 200 }),
    listActions({ limit: 10 }),
    listAuditEvents({ limit: 10 }),
    actorLabels(),
  ]);
  const halted = agents.filter((a) => a.status === "halted").length;
  const haltedCohorts = cohorts.filter((c) => c.status === "halted").length;
  const activeUsers = users.filter((u) => !u.disabled).length;
  const waiting = pending.actions.length;
  return (
    <>
      <PageHeader title="Overview" subtitle="What your agents are doing, and what Warden is stopping." />
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 xl:grid-cols-6">
        <Stat label="Active agents" value={agents.length - halted} hint={`of ${agents.length} registered`} tone={agents.length - halted ? "green" : undefined} />
        <Stat label="Halted agents" value={halted} hint={halted ? "not allowed to act" : "none halted"} tone={halted ? "red" : undefined} />
        <Stat label="Cohorts" value={cohorts.length} hint={haltedCohorts ? `${haltedCohorts} halted` : "all active"} />
        <Stat label="Users" value={activeUsers} hint={users.length > activeUsers ? `${users.length - activeUsers} disabled` : "all enabled"} />
        <Stat label="Pending approvals" value={waiting} hint={waiting ? "waiting for a human" : "queue is clear"} tone={waiting ? "amber" : undefined} />
        <Stat label="Active policies" value={policies.filter((p) => p.enabled).length} hint={`${policies.length} in total`} />
      </div>
      <div className="mt-6 grid gap-6 xl:grid-cols-5">
        <Panel title="Cohorts" className="xl:col-span-2" flush actions={<Link className="link text-sm" href="/cohorts">Manage</Link>}>
          <CohortsTable cohorts={cohorts} />
        </Panel>
        <Panel title="Latest decisions" className="xl:col-span-3" flush>
          <Table label="Latest decisions" head={["When (UTC)", "Agent", "Action", "Decision"]} empty={recent.actions.length === 0 ? <Empty>No decisions yet. Run <code className="font-mono">npm run demo:agents</code> to drive demo traffic.</Empty> : null}>
            {recent.actions.map((a) => (
              <tr key={a.id}>
                <Td><Time iso={a.createdAt} /></Td>
                <Td><Link className="link" href={`/agents/${a.agentId}`}>{a.agentName}</Link></Td>
                <Td mono><Link className="hover:underline" href={`/actions/${a.id}`}>{a.action}</Link></Td>
                <Td><StatusBadge status={a.status} /></Td>
              </tr>
            ))}
          </Table>
        </Panel>
        <Panel title="Latest audit events" className="xl:col-span-5" flush actions={<Link className="link text-sm" href="/audit">Open audit log</Link>}>
          <AuditEventsTable events={audit.events} labels={labels} showData={false} label="Latest audit events" emptyText="Nothing recorded yet." />
        </Panel>
      </div>
    </>
  );
}
