import Link from "next/link";
import { AgentKeys } from "@/components/agent-keys.tsx";
import { AgentProfile } from "@/components/agent-profile.tsx";
import { AuditFeed } from "@/components/audit-feed.tsx";
import { HaltControl } from "@/components/halt-control.tsx";
import { AgentTimeline } from "@/components/agent-timeline.tsx";
import { StatusBadge } from "@/components/ui/badge.tsx";
import { PageHeader, Panel } from "@/components/ui/panel.tsx";
import { getAgent } from "@/lib/agents/index.ts";
import { listAuditEvents } from "@/lib/audit/index.ts";
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
  const [actions, actionNames, history, cohorts, labels] = await Promise.all([
    listActions({ agent: id, limit: 25 }),
    listActionNames(id),
    listAuditEvents({ agent: id, limit: 20 }),
    listCohorts(),
    actorLabels(),
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
            <span className="font-mono">{agent.name}</span> <StatusBadge status={agent.status} />
          </span>
        }
        subtitle={agent.description || "No description."}
        actions={ownSwitch ? <HaltControl path={`/api/agents/${agent.id}`} halted={ownHalted} what="this agent" /> : null}
      />
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
      <div className="grid gap-6 xl:grid-cols-5">
        <div className="xl:col-span-2">
          <AgentProfile agent={agent} cohorts={cohorts.map((c) => c.name)} canWrite={canWrite} />
        </div>
        <Panel title="Keys" description="Agents authenticate with these. Rotate, then revoke the old key once the agent uses the new one." className="xl:col-span-3" flush>
          <AgentKeys agentId={agent.id} keys={agent.keys} canWrite={canWrite} />
        </Panel>
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
