import Link from "next/link";
import { AnomaliesList } from "@/components/containment/anomalies-list.tsx";
import { BreakerForm } from "@/components/containment/breaker-form.tsx";
import { BreakersPanel } from "@/components/containment/breakers-panel.tsx";
import { BudgetForm } from "@/components/containment/budget-form.tsx";
import { BudgetsPanel } from "@/components/containment/budgets-panel.tsx";
import { CapabilityChanges } from "@/components/containment/capability-changes.tsx";
import { GrantsBadge } from "@/components/containment/grants-badge.tsx";
import { StatusBadge } from "@/components/ui/badge.tsx";
import { PageHeader, Panel } from "@/components/ui/panel.tsx";
import { Empty, Table, Td } from "@/components/ui/table.tsx";
import { listAgents } from "@/lib/agents/index.ts";
import { listAnomalies } from "@/lib/anomalies/index.ts";
import { can } from "@/lib/auth/index.ts";
import { listBreakers } from "@/lib/breakers/index.ts";
import { listBudgets } from "@/lib/budgets/index.ts";
import { listCohorts } from "@/lib/cohorts/index.ts";
import { listCapabilityChanges } from "@/lib/capability-changes/index.ts";
import { requirePrincipal } from "../../session.ts";

export const metadata = { title: "Containment" };

export default async function ContainmentPage() {
  const p = await requirePrincipal();
  const [breakers, budgets, anomalies, agents, cohorts, changes] = await Promise.all([listBreakers(), listBudgets(), listAnomalies({ hours: 24 }), listAgents(), listCohorts(), listCapabilityChanges()]);
  const options = agents.map((a) => ({ id: a.id, name: a.name }));
  const cohortNames = cohorts.map((c) => c.name);
  const held = breakers.filter((b) => b.state !== "closed");
  return (
    <>
      <PageHeader title="Containment" subtitle="What each agent may do (grants), how much it may spend (budgets), and what stops it on its own (breakers, unusual-access alerts)." />
      {held.map((b) => (
        <p key={b.id} role="alert" className="mb-3 rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-200">
          <strong className="font-semibold">Circuit {b.state === "half_open" ? "half-open" : "open"}: {b.name}</strong> holds {b.holds?.kind} {b.holds?.name} — {b.openedBecause?.message}
        </p>
      ))}
      <div className="grid gap-6">
        <Panel title="Circuit breakers" description="A metric over a rolling window; above its threshold the breaker holds the agent or its cohort like a halt (circuit_open)." flush>
          <BreakersPanel initial={breakers} canManage={can(p.role, "breakers:write")} />
          {can(p.role, "breakers:write") && (
            <details className="border-t border-slate-200 dark:border-slate-800">
              <summary className="cursor-pointer px-4 py-2 text-sm font-medium text-brand-700 dark:text-brand-300">New breaker</summary>
              <BreakerForm cohorts={cohortNames} agents={options} />
            </details>
          )}
        </Panel>
        <Panel title="Budgets" description="What a cohort or agent may spend per window, reserved exactly as each action is decided. Solid: used; striped: reserved by actions waiting for a human." flush>
          <BudgetsPanel initial={budgets} canManage={can(p.role, "budgets:write")} />
          {can(p.role, "budgets:write") && (
            <details className="border-t border-slate-200 dark:border-slate-800">
              <summary className="cursor-pointer px-4 py-2 text-sm font-medium text-brand-700 dark:text-brand-300">New budget</summary>
              <BudgetForm cohorts={cohortNames} agents={options} />
            </details>
          )}
        </Panel>
        <div className="grid gap-6 xl:grid-cols-2">
          <Panel title="Unusual access" description="Last 24 hours: actions or resource kinds an agent never used, volumes far above its 7-day hourly p99." flush actions={<Link className="link text-sm" href="/audit?kind=anomaly.detected">In the audit log</Link>}>
            <AnomaliesList anomalies={anomalies} />
          </Panel>
          <Panel title="Requests to widen grants" description="An agent's owner can't widen its grants alone: someone else confirms." flush>
            <CapabilityChanges changes={changes} canDecide={can(p.role, "agents:write")} />
          </Panel>
        </div>
        <Panel title="Grants" description="Agents without grants are unrestricted (amber). Admins grant capabilities on each agent's page." flush>
          <Table label="Agent grants" head={["Agent", "Cohort", "Status", "Grants"]} empty={agents.length === 0 ? <Empty>No agents yet.</Empty> : null}>
            {agents.map((a) => (
              <tr key={a.id}>
                <Td><Link className="link font-mono" href={`/agents/${a.id}`}>{a.name}</Link></Td>
                <Td>{a.cohort}</Td>
                <Td><StatusBadge status={a.status} /></Td>
                <Td>
                  <span className="flex flex-wrap items-center gap-2">
                    <GrantsBadge capabilities={a.capabilities} />
                    {a.capabilities && a.capabilities.length > 0 && (
                      <span className="truncate font-mono text-xs text-slate-500">{a.capabilities.map((g) => g.action + (g.resources ? `[${g.resources.join(",")}]` : "")).join(" ")}</span>
                    )}
                  </span>
                </Td>
              </tr>
            ))}
          </Table>
        </Panel>
      </div>
    </>
  );
}
