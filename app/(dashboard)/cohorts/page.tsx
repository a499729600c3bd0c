import Link from "next/link";
import { HaltControl } from "@/components/halt-control.tsx";
import { Badge, Card, PageHeader, statusTone } from "@/components/ui/primitives.tsx";
import { globalHaltState, listAgents } from "@/lib/agents/index.ts";
import { can } from "@/lib/auth/index.ts";
import { listCohorts } from "@/lib/cohorts/index.ts";
import { requirePrincipal } from "../../session.ts";

export const metadata = { title: "Cohorts" };

export default async function CohortsPage() {
  const p = await requirePrincipal();
  const [cohorts, agents, global] = await Promise.all([listCohorts(), listAgents(), globalHaltState()]);
  const globallyHalted = Boolean(global?.haltedAt);
  return (
    <>
      <PageHeader
        title="Cohorts"
        subtitle="Groups of agents that are halted and resumed together."
        actions={can(p.role, "halt:global") ? <HaltControl path="/api" halted={globallyHalted} what="everything" /> : null}
      />
      {globallyHalted && <p className="mb-4 rounded-md bg-red-50 px-3 py-2 text-sm text-red-700 dark:bg-red-500/10 dark:text-red-300">Everything is halted: {global?.haltReason}</p>}
      <div className="grid gap-4 lg:grid-cols-2">
        {cohorts.map((c) => (
          <Card
            key={c.id}
            title={
              <span className="flex items-center gap-2" data-testid={`cohort-${c.name}`}>
                {c.name} <Badge tone={statusTone(c.status)}>{c.status}</Badge>
              </span>
            }
            actions={can(p.role, "agents:halt") && !globallyHalted ? <HaltControl path={`/api/cohorts/${encodeURIComponent(c.name)}`} halted={c.status === "halted"} what={`cohort ${c.name}`} /> : null}
          >
            {c.status === "halted" && <p className="mb-3 text-sm text-red-700 dark:text-red-300">Halted: {c.haltReason}</p>}
            <p className="mb-2 text-xs text-slate-500">{c.agents} agents{c.haltedAgents ? `, ${c.haltedAgents} halted individually` : ""}</p>
            <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
              {agents
                .filter((a) => a.cohort === c.name)
                .map((a) => (
                  <li key={a.id} className="flex items-center justify-between py-1.5">
                    <Link href={`/agents/${a.id}`} className="text-brand-600 hover:underline">{a.name}</Link>
                    <span className="flex items-center gap-2 text-xs text-slate-500">
                      {a.owner} <Badge tone={statusTone(a.status)}>{a.status}</Badge>
                    </span>
                  </li>
                ))}
            </ul>
          </Card>
        ))}
      </div>
    </>
  );
}
