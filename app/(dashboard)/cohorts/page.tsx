import Link from "next/link";
import { HaltControl } from "@/components/halt-control.tsx";
import { GrantsBadge } from "@/components/containment/grants-badge.tsx";
import { Badge, StatusBadge } from "@/components/ui/badge.tsx";
import { PageHeader, Panel } from "@/components/ui/panel.tsx";
import { Empty } from "@/components/ui/table.tsx";
import { listAgents } from "@/lib/agents/index.ts";
import { globalHaltState } from "@/lib/killswitch/index.ts";
import { can } from "@/lib/auth/index.ts";
import { listCohorts } from "@/lib/cohorts/index.ts";
import { cohortRates, containmentSummary, type CohortRates } from "@/lib/overview/index.ts";
import { requirePrincipal } from "../../session.ts";
import { pct } from "@/components/ui/format.ts";
import { count } from "@/components/ui/count.ts";

export const metadata = { title: "Cohorts" };

export default async function CohortsPage() {
  const p = await requirePrincipal();
  const [cohorts, agents, global, rates, containment] = await Promise.all([listCohorts(), listAgents(), globalHaltState(), cohortRates(), containmentSummary()]);
  const rateOf = new Map(rates.map((r) => [r.cohort, r]));
  const globallyHalted = Boolean(global?.haltedAt);
  const canHalt = can(p.role, "agents:halt") && !globallyHalted;
  return (
    <>
      <PageHeader
        title="Cohorts"
        subtitle="Groups of agents that are halted and resumed together."
        actions={can(p.role, "halt:global") ? <HaltControl path="/api" halted={globallyHalted} what="everything" /> : null}
      />
      {globallyHalted && (
        <p role="status" className="mb-6 rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-200">
          <strong className="font-semibold">Everything is halted:</strong> {global?.haltReason}
        </p>
      )}
      {cohorts.length === 0 && (
        <Panel>
          <Empty>No cohorts yet: registering an agent creates its cohort.</Empty>
        </Panel>
      )}
      <div className="grid items-start gap-4 lg:grid-cols-2">
        {cohorts.map((c) => {
          const members = agents.filter((a) => a.cohort === c.name);
          return (
            <Panel
              key={c.id}
              flush
              title={
                <span className="flex items-center gap-2" data-testid={`cohort-${c.name}`}>
                  {c.name} <StatusBadge status={c.status} />
                  {c.unrestrictedAgents > 0 && (
                    <Badge tone="amber" dot>
                      {c.unrestrictedAgents} unrestricted
                    </Badge>
                  )}
                  {(containment.anomalies.byCohort[c.name] ?? 0) > 0 && (
                    <Link href="/containment">
                      <Badge tone="amber">{containment.anomalies.byCohort[c.name]} unusual</Badge>
                    </Link>
                  )}
                </span>
              }
              description={`${count(c.agents, "agent")}${c.haltedAgents ? `, ${c.haltedAgents} halted individually` : ""}`}
              actions={canHalt ? <HaltControl path={`/api/cohorts/${encodeURIComponent(c.name)}`} halted={c.status === "halted"} what={`cohort ${c.name}`} prominent={false} /> : null}
            >
              <CohortRateStrip rates={rateOf.get(c.name)} />
              {c.status === "halted" && (
                <p className="border-b border-red-100 bg-red-50/60 px-4 py-2 text-sm text-red-700 dark:border-red-500/20 dark:bg-red-500/5 dark:text-red-300">Halted: {c.haltReason}</p>
              )}
              {c.status === "circuit_open" && (
                <p className="border-b border-red-100 bg-red-50/60 px-4 py-2 text-sm text-red-700 dark:border-red-500/20 dark:bg-red-500/5 dark:text-red-300" data-testid={`cohort-circuit-${c.name}`}>
                  {c.circuitReason}
                </p>
              )}
              <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800">
                {members.map((a) => (
                  <li key={a.id} className="flex flex-wrap items-center justify-between gap-x-3 gap-y-1 px-4 py-2">
                    {/* The whole name, wrapped if it must: agents of a cohort often share a long prefix. */}
                    <Link href={`/agents/${a.id}`} className="link min-w-0 break-all">
                      {a.name}
                    </Link>
                    <span className="flex min-w-0 flex-wrap items-center gap-2 text-xs text-slate-500 dark:text-slate-400">
                      <span className="break-all">{a.owner}</span> <StatusBadge status={a.status} /> {a.capabilities === null && <GrantsBadge capabilities={null} />}
                    </span>
                  </li>
                ))}
                {members.length === 0 && <li className="px-4 py-3 text-slate-500">No agents in this cohort.</li>}
              </ul>
            </Panel>
          );
        })}
      </div>
    </>
  );
}


/** The cohort's last 24 hours: decisions, deny rate, escalation rate. */
function CohortRateStrip({ rates }: { rates: CohortRates | undefined }) {
  const r = rates ?? { total: 0, denied: 0, escalated: 0, denyRate: 0, escalationRate: 0 };
  return (
    <dl className="grid grid-cols-3 border-b border-slate-100 text-center text-xs dark:border-slate-800" aria-label="Last 24 hours">
      <div className="px-2 py-2">
        <dt className="text-slate-500 dark:text-slate-400">Decisions, 24 h</dt>
        <dd className="mt-0.5 text-base font-semibold tabular-nums">{r.total.toLocaleString("en-GB")}</dd>
      </div>
      <div className="px-2 py-2">
        <dt className="text-slate-500 dark:text-slate-400">Deny rate</dt>
        <dd className={`mt-0.5 text-base font-semibold tabular-nums ${r.denied ? "text-red-600 dark:text-red-400" : ""}`}>{pct(r.denyRate)}</dd>
      </div>
      <div className="px-2 py-2">
        <dt className="text-slate-500 dark:text-slate-400">Escalation rate</dt>
        <dd className={`mt-0.5 text-base font-semibold tabular-nums ${r.escalated ? "text-amber-600 dark:text-amber-400" : ""}`}>{pct(r.escalationRate)}</dd>
      </div>
    </dl>
  );
}
