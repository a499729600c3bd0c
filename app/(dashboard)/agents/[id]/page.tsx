import Link from "next/link";
import { AgentKeys } from "@/components/agent-keys.tsx";
import { AgentTabs } from "@/components/agent-tabs.tsx";
import { AgentProfile } from "@/components/agent-profile.tsx";
import { AuditFeed } from "@/components/audit-feed.tsx";
import { AnomaliesList } from "@/components/containment/anomalies-list.tsx";
import { BreakersPanel } from "@/components/containment/breakers-panel.tsx";
import { BudgetsPanel } from "@/components/containment/budgets-panel.tsx";
import { GrantsBadge } from "@/components/containment/grants-badge.tsx";
import { GrantsEditor } from "@/components/containment/grants-editor.tsx";
import { HaltControl } from "@/components/halt-control.tsx";
import { AgentTimeline } from "@/components/agent-timeline.tsx";
import { Badge, StatusBadge } from "@/components/ui/badge.tsx";
import { PageHeader, Panel } from "@/components/ui/panel.tsx";
import { getAgent } from "@/lib/agents/index.ts";
import { listAnomalies } from "@/lib/anomalies/index.ts";
import { listAuditEvents } from "@/lib/audit/index.ts";
import { listBreakers } from "@/lib/breakers/index.ts";
import { listBudgets } from "@/lib/budgets/index.ts";
import { can } from "@/lib/auth/index.ts";
import { listCohorts } from "@/lib/cohorts/index.ts";
import { listActionNames, listActions } from "@/lib/decisions/index.ts";
import { orNotFound, requirePrincipal } from "../../../session.ts";
import { actorLabels } from "../../actor-labels.ts";

export const metadata = { title: "Agent" };

export default async function AgentPage({ params }: { params: Promise<{ id: string }> }) {
  const p = await requirePrincipal();
  const { id } = await params;
  const agent = await orNotFound(getAgent(id));
  const [actions, actionNames, history, cohorts, labels, budgets, breakers, anomalies] = await Promise.all([
    listActions({ agent: id, limit: 25 }),
    listActionNames(id),
    listAuditEvents({ agent: id, limit: 20 }),
    listCohorts(),
    actorLabels(),
    listBudgets({ agentId: id }),
    listBreakers({ agentId: id }),
    listAnomalies({ agent: id, hours: 24 }),
  ]);
  const canWrite = can(p.role, "agents:write");
  // The agent's own switch is always here, even while its cohort or everything is halted (a
  // cohort or global halt is lifted where it was pulled, not from one agent's page).
  const ownSwitch = can(p.role, "agents:halt");
  const ownHalted = agent.ownHalt.status === "halted";
  const coveredFromAbove = agent.haltedBy === "cohort" || agent.haltedBy === "global";
  return (
    <>
      <nav aria-label="Breadcrumb" className="mb-2 text-sm text-slate-500 dark:text-slate-400">
        <Link href="/agents" className="hover:text-slate-800 dark:hover:text-slate-200">Agents</Link> <span aria-hidden>/</span> {agent.cohort}
      </nav>
      <PageHeader
        title={
          <span className="flex flex-wrap items-center gap-3">
            <span className="font-mono">{agent.name}</span> <StatusBadge status={agent.status} /> <GrantsBadge capabilities={agent.capabilities} />
            {anomalies.length > 0 && (
              <a href="#containment" className="text-sm font-normal">
                <Badge tone="amber" dot>
                  {anomalies.length} unusual
                </Badge>
              </a>
            )}
          </span>
        }
        subtitle={agent.description || "No description."}
        actions={ownSwitch ? <HaltControl path={`/api/agents/${agent.id}`} halted={ownHalted} what="this agent" /> : null}
      />
      <AgentTabs agentId={agent.id} active="overview" />
      {agent.status === "halted" && (
        <div role="status" className="mb-6 space-y-1 rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-200">
          <p>
            <strong className="font-semibold">Halted{agent.haltedBy === "agent" ? "" : ` (${agent.haltedBy})`}:</strong> {agent.haltReason}. Every action it asks for is denied until{" "}
            {coveredFromAbove ? "every halt covering it is lifted" : "it is resumed"}.
          </p>
          {coveredFromAbove && (
            <p data-testid="own-halt">
              The {agent.haltedBy} halt is lifted on <Link className="underline" href="/cohorts">Cohorts</Link>.{" "}
              {agent.ownHalt.status === "halted" ? (
                <>
                  <strong className="font-semibold">This agent is halted on its own too:</strong> {agent.ownHalt.haltReason} (since {agent.ownHalt.haltedAt.slice(0, 16).replace("T", " ")} UTC).
                </>
              ) : (
                <>This agent&apos;s own switch is not halted.</>
              )}
            </p>
          )}
        </div>
      )}
      {agent.status === "circuit_open" && (
        <p role="status" className="mb-6 rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-200">
          <strong className="font-semibold">{agent.circuitReason}.</strong> Every action it asks for is denied (circuit_open) until the breaker closes — see <Link className="underline" href="/containment">Containment</Link>.
        </p>
      )}
      <div className="grid gap-6 xl:grid-cols-5">
        <div className="xl:col-span-2">
          <AgentProfile agent={agent} cohorts={cohorts.map((c) => c.name)} canWrite={canWrite} />
        </div>
        <Panel title="Keys" description="Agents authenticate with these. Rotate, then revoke the old key once the agent uses the new one." className="xl:col-span-3" flush>
          <AgentKeys agentId={agent.id} keys={agent.keys} canWrite={canWrite} />
        </Panel>
        <section id="containment" className="grid gap-6 xl:col-span-5 xl:grid-cols-5">
          <Panel title="Capability grants" description="What it may ask for. Outside these, Warden denies with not_granted before any policy runs." className="xl:col-span-2">
            <GrantsEditor agentId={agent.id} capabilities={agent.capabilities} canGrant={can(p.role, "agents:grant")} />
          </Panel>
          <Panel title="Budgets" description="Budgets on this agent or its cohort, used now." className="xl:col-span-3" flush>
            <BudgetsPanel initial={budgets} query={`?agent=${agent.id}`} canManage={false} />
          </Panel>
          <Panel title="Breakers" description="Breakers watching or holding this agent or its cohort." className="xl:col-span-5" flush>
            <BreakersPanel initial={breakers} query={`?agent=${agent.id}`} canManage={can(p.role, "breakers:write")} />
          </Panel>
          {anomalies.length > 0 && (
            <Panel title="Unusual access" description="Last 24 hours." className="xl:col-span-5" flush>
              <AnomaliesList anomalies={anomalies} showAgent={false} />
            </Panel>
          )}
        </section>
        <Panel title="Timeline" description="What it asked for, what Warden answered and why, who voted, what happened. Open an action for its whole story." className="xl:col-span-5" flush>
          <AgentTimeline agentId={agent.id} first={actions} actionNames={actionNames} />
        </Panel>
        <Panel title="History" description="Audit events about this agent." className="xl:col-span-5" flush actions={<Link className="link text-sm" href={`/audit?agent=${agent.id}`}>Open in audit log</Link>}>
          <AuditFeed filter={{ agent: agent.id }} first={history} labels={labels} pageSize={20} label="Agent history" />
        </Panel>
      </div>
    </>
  );
}
