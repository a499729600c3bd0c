import Link from "next/link";
import { Badge } from "@/components/ui/badge.tsx";
import { ButtonLink } from "@/components/ui/button.tsx";
import { PageHeader, Panel } from "@/components/ui/panel.tsx";
import { Empty, Table, Td } from "@/components/ui/table.tsx";
import { Time } from "@/components/ui/time.tsx";
import { can } from "@/lib/auth/index.ts";
import { listPolicies } from "@/lib/policies/index.ts";
import { requirePrincipal } from "../../session.ts";

export const metadata = { title: "Policies" };

const effectTone = (e: string) => (e === "deny" ? "red" : e === "require_approval" ? "amber" : e === "flag" ? "blue" : "green");

export default async function PoliciesPage() {
  const p = await requirePrincipal();
  const policies = await listPolicies();
  return (
    <>
      <PageHeader title="Policies" subtitle="CEL conditions that allow, deny or ask a human before an agent acts, and flag surprises after." actions={can(p.role, "policies:write") ? <ButtonLink href="/policies/new">New policy</ButtonLink> : null} />
      <Panel>
        <Table head={["Policy", "Stage", "Effect", "Mode", "Targets", "Version", "Status"]} empty={policies.length === 0 ? <Empty>No policies yet: every action is allowed.</Empty> : null}>
          {policies.map((x) => (
            <tr key={x.id}>
              <Td>
                <Link href={`/policies/${x.id}`} className="link">{x.name}</Link>
                <div className="font-mono text-xs text-slate-500">{x.condition}</div>
              </Td>
              <Td>{x.stage}</Td>
              <Td><Badge tone={effectTone(x.effect)}>{x.effect}</Badge></Td>
              <Td>{x.mode === "shadow" ? <Badge tone="amber">shadow</Badge> : "enforce"}</Td>
              <Td className="text-xs">{[...x.target.cohorts, ...x.target.agents, ...x.target.actions, ...(x.target.versions ?? [])].join(", ") || "everything"}</Td>
              <Td>v{x.version} · <Time iso={x.updatedAt} /></Td>
              <Td>{x.enabled ? <Badge tone="green">enabled</Badge> : <Badge>disabled</Badge>}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
    </>
  );
}
