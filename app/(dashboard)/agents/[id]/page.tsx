import Link from "next/link";
import { EditAgentForm } from "@/components/agent-form.tsx";
import { AgentKeys } from "@/components/agent-keys.tsx";
import { HaltControl } from "@/components/halt-control.tsx";
import { Reasons } from "@/components/reasons.tsx";
import { Badge, Card, PageHeader, statusTone, Table, Td, Time } from "@/components/ui/primitives.tsx";
import { getAgent } from "@/lib/agents/index.ts";
import { listAuditEvents } from "@/lib/audit/index.ts";
import { can } from "@/lib/auth/index.ts";
import { listCohorts } from "@/lib/cohorts/index.ts";
import { listActions } from "@/lib/decisions/index.ts";
import { orNotFound, requirePrincipal } from "../../../session.ts";

export const metadata = { title: "Agent" };

export default async function AgentPage({ params }: { params: Promise<{ id: string }> }) {
  const p = await requirePrincipal();
  const { id } = await params;
  const agent = await orNotFound(getAgent(id));
  const [actions, history, cohorts] = await Promise.all([listActions({ agent: id, limit: 50 }), listAuditEvents({ agent: id, limit: 50 }), listCohorts()]);
  const canWrite = can(p.role, "agents:write");
  return (
    <>
      <PageHeader
        title={
          <span className="flex items-center gap-3">
            {agent.name} <Badge tone={statusTone(agent.status)}>{agent.status}</Badge>
          </span>
        }
        subtitle={agent.description}
        actions={can(p.role, "agents:halt") && agent.haltedBy !== "cohort" && agent.haltedBy !== "global" ? <HaltControl path={`/api/agents/${agent.id}`} halted={agent.status === "halted"} what="this agent" /> : null}
      />
      {agent.status === "halted" && (
        <p className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-500/10 dark:text-red-300">
          Halted ({agent.haltedBy}): {agent.haltReason}
        </p>
      )}
      <div className="grid gap-6 xl:grid-cols-3">
        <Card title="Accountability" className="xl:col-span-1" actions={canWrite ? <EditAgentForm id={agent.id} cohorts={cohorts.map((c) => c.name)} initial={{ description: agent.description, cohort: agent.cohort, owner: agent.owner, riskTier: agent.riskTier }} /> : null}>
          <dl className="grid grid-cols-3 gap-y-2 text-sm">
            <dt className="text-slate-500">Owner</dt>
            <dd className="col-span-2 font-medium" data-testid="agent-owner">{agent.owner}</dd>
            <dt className="text-slate-500">Cohort</dt>
            <dd className="col-span-2"><Link className="text-brand-600 hover:underline" href="/cohorts">{agent.cohort}</Link></dd>
            <dt className="text-slate-500">Risk tier</dt>
            <dd className="col-span-2">{agent.riskTier}</dd>
            <dt className="text-slate-500">Registered</dt>
            <dd className="col-span-2"><Time iso={agent.createdAt} /> {agent.createdBy ? `by ${agent.createdBy.email}` : "by the system"}</dd>
            <dt className="text-slate-500">Agent id</dt>
            <dd className="col-span-2 font-mono text-xs">{agent.id}</dd>
          </dl>
        </Card>
        <Card title="Keys" className="xl:col-span-2">
          <AgentKeys agentId={agent.id} keys={agent.keys} canWrite={canWrite} />
        </Card>
        <Card title="Actions" className="xl:col-span-3">
          <Table head={["When", "Action", "Resource", "Decision", "Why", "Result"]}>
            {actions.actions.map((a) => (
              <tr key={a.id} data-testid="action-row">
                <Td><Time iso={a.createdAt} /></Td>
                <Td mono><Link className="text-brand-600 hover:underline" href={`/actions/${a.id}`}>{a.action}</Link></Td>
                <Td mono>{a.resource}</Td>
                <Td><Badge tone={statusTone(a.status)}>{a.status}</Badge></Td>
                <Td><Reasons reasons={a.reasons} shadow={a.shadow} /></Td>
                <Td>{a.result ? <Badge tone={statusTone(a.result.status)}>{a.result.status}</Badge> : <span className="text-slate-400">—</span>}</Td>
              </tr>
            ))}
          </Table>
          {actions.actions.length === 0 && <p className="py-6 text-center text-sm text-slate-500">This agent has not asked for anything yet.</p>}
        </Card>
        <Card title="History" className="xl:col-span-3">
          <Table head={["Seq", "When", "Actor", "Event", "Details"]}>
            {history.events.map((e) => (
              <tr key={e.seq}>
                <Td mono>{e.seq}</Td>
                <Td><Time iso={e.at} /></Td>
                <Td mono>{e.actor}</Td>
                <Td><Badge tone="blue">{e.kind}</Badge></Td>
                <Td mono className="max-w-xl truncate">{JSON.stringify(e.data)}</Td>
              </tr>
            ))}
          </Table>
        </Card>
      </div>
    </>
  );
}
