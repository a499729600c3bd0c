import Link from "next/link";
import { AgentTabs } from "@/components/agent-tabs.tsx";
import { ReleasesView } from "@/components/releases/releases-view.tsx";
import { StatusBadge } from "@/components/ui/badge.tsx";
import { PageHeader } from "@/components/ui/panel.tsx";
import { getAgent } from "@/lib/agents/index.ts";
import { can } from "@/lib/auth/index.ts";
import { listRollouts, listVersions, rolloutPoints } from "@/lib/releases/index.ts";
import { orNotFound, requirePrincipal } from "../../../../session.ts";

export const metadata = { title: "Releases" };

export default async function AgentReleasesPage({ params }: { params: Promise<{ id: string }> }) {
  const p = await requirePrincipal();
  const { id } = await params;
  const agent = await orNotFound(getAgent(id));
  const [versions, rollouts] = await Promise.all([listVersions(id), listRollouts(id)]);
  const points = rollouts[0] ? await rolloutPoints(rollouts[0].id) : [];
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
        subtitle="Versions, canary rollouts and experiments"
      />
      <AgentTabs agentId={agent.id} active="releases" />
      <ReleasesView agentId={agent.id} versions={versions} rollouts={rollouts} points={points} canWrite={can(p.role, "agents:write")} />
    </>
  );
}
