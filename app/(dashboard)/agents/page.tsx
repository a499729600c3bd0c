import Link from "next/link";
import { GrantsBadge } from "@/components/containment/grants-badge.tsx";
import { Badge, riskTone, StatusBadge } from "@/components/ui/badge.tsx";
import { Button, ButtonLink } from "@/components/ui/button.tsx";
import { inputClass } from "@/components/ui/field.tsx";
import { PageHeader, Panel } from "@/components/ui/panel.tsx";
import { Empty, Table, Td } from "@/components/ui/table.tsx";
import { listAgents, listAgentsSchema } from "@/lib/agents/index.ts";
import { can } from "@/lib/auth/index.ts";
import { listCohorts } from "@/lib/cohorts/index.ts";
import { requirePrincipal } from "../../session.ts";
import { count } from "@/components/ui/count.ts";

export const metadata = { title: "Agents" };

export default async function AgentsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const p = await requirePrincipal();
  const sp = await searchParams;
  const parsed = listAgentsSchema.safeParse({ q: sp.q || undefined, cohort: sp.cohort || undefined });
  const filter = parsed.success ? parsed.data : {};
  const [agents, cohorts] = await Promise.all([listAgents(filter), listCohorts()]);
  const filtered = Boolean(filter.q || filter.cohort);
  return (
    <>
      <PageHeader
        title="Agents"
        subtitle="Every agent, its cohort and the person accountable for it."
        actions={can(p.role, "agents:write") ? <ButtonLink href="/agents/new">Register agent</ButtonLink> : null}
      />
      <Panel flush>
        <form role="search" aria-label="Filter agents" className="flex flex-wrap items-center gap-2 border-b border-slate-200 p-3 dark:border-slate-800">
          <input type="search" name="q" defaultValue={filter.q ?? ""} placeholder="Search name, description, owner…" aria-label="Search agents" className={`${inputClass} max-w-xs`} />
          <select name="cohort" defaultValue={filter.cohort ?? ""} aria-label="Cohort" className={`${inputClass} max-w-[12rem]`}>
            <option value="">All cohorts</option>
            {cohorts.map((c) => (
              <option key={c.id} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
          <Button type="submit" variant="secondary">
            Filter
          </Button>
          {filtered && (
            <Link href="/agents" className="text-sm text-slate-500 hover:text-slate-800 dark:hover:text-slate-200">
              Clear
            </Link>
          )}
          <span className="ml-auto text-xs text-slate-500" aria-live="polite">
            {count(agents.length, "agent")}
          </span>
        </form>
        <Table label="Agents" stack head={["Name", "Cohort", "Owner", "Risk tier", "Status", "Grants"]} empty={agents.length === 0 ? <Empty>{filtered ? "No agents match these filters." : "No agents yet."}</Empty> : null}>
          {agents.map((a) => (
            <tr key={a.id} className="hover:bg-slate-50 dark:hover:bg-slate-800/40">
              <Td>
                <Link href={`/agents/${a.id}`} className="link">
                  {a.name}
                </Link>
                {a.description && <div className="max-w-xs truncate text-xs text-slate-500 dark:text-slate-400">{a.description}</div>}
              </Td>
              <Td>{a.cohort}</Td>
              <Td className="text-slate-700 dark:text-slate-300">{a.owner}</Td>
              <Td><Badge tone={riskTone(a.riskTier)}>{a.riskTier}</Badge></Td>
              <Td><StatusBadge status={a.status} /></Td>
              <Td><GrantsBadge capabilities={a.capabilities} /></Td>
            </tr>
          ))}
        </Table>
      </Panel>
    </>
  );
}
