import Link from "next/link";
import { Badge, ButtonLink, Card, Empty, inputClass, PageHeader, statusTone, Table, Td, Button } from "@/components/ui/primitives.tsx";
import { listAgents, listAgentsSchema } from "@/lib/agents/index.ts";
import { can } from "@/lib/auth/index.ts";
import { listCohorts } from "@/lib/cohorts/index.ts";
import { requirePrincipal } from "../../session.ts";

export const metadata = { title: "Agents" };

export default async function AgentsPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const p = await requirePrincipal();
  const sp = await searchParams;
  const parsed = listAgentsSchema.safeParse({ q: sp.q || undefined, cohort: sp.cohort || undefined });
  const filter = parsed.success ? parsed.data : {};
  const [agents, cohorts] = await Promise.all([listAgents(filter), listCohorts()]);
  return (
    <>
      <PageHeader
        title="Agents"
        subtitle="Every agent, its cohort and the person accountable for it."
        actions={can(p.role, "agents:write") ? <ButtonLink href="/agents/new">Register agent</ButtonLink> : null}
      />
      <Card>
        <form className="mb-4 flex flex-wrap gap-2" role="search">
          <input name="q" defaultValue={filter.q ?? ""} placeholder="Search name, description, owner" aria-label="Search agents" className={`${inputClass} max-w-xs`} />
          <select name="cohort" defaultValue={filter.cohort ?? ""} aria-label="Cohort" className={`${inputClass} max-w-[12rem]`}>
            <option value="">All cohorts</option>
            {cohorts.map((c) => (
              <option key={c.id} value={c.name}>
                {c.name}
              </option>
            ))}
          </select>
          <Button type="submit" variant="secondary">Filter</Button>
        </form>
        <Table head={["Name", "Cohort", "Owner", "Risk", "Status"]} empty={agents.length === 0 ? <Empty>No agents match.</Empty> : null}>
          {agents.map((a) => (
            <tr key={a.id} className="hover:bg-slate-50 dark:hover:bg-slate-800/50">
              <Td>
                <Link href={`/agents/${a.id}`} className="font-medium text-brand-600 hover:underline">
                  {a.name}
                </Link>
                <div className="max-w-md truncate text-xs text-slate-500">{a.description}</div>
              </Td>
              <Td>{a.cohort}</Td>
              <Td>{a.owner}</Td>
              <Td><Badge tone={a.riskTier === "high" ? "red" : a.riskTier === "medium" ? "amber" : "gray"}>{a.riskTier}</Badge></Td>
              <Td><Badge tone={statusTone(a.status)}>{a.status}</Badge></Td>
            </tr>
          ))}
        </Table>
      </Card>
    </>
  );
}
