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

type Target = { cohorts: string[]; agents: string[]; actions: string[]; versions?: string[] };

// A policy applies where every non-empty list matches (lib/policies); an empty list matches all.
const TARGET_PARTS = [
  ["cohorts", "Cohorts"],
  ["agents", "Agents"],
  ["actions", "Actions"],
  ["versions", "Versions"],
] as const;

/** Each kind of target on its own labelled line, so a cohort and an action glob can't be confused. */
function Targets({ target }: { target: Target }) {
  const parts = TARGET_PARTS.map(([k, label]) => [label, target[k] ?? []] as const).filter(([, v]) => v.length > 0);
  if (parts.length === 0) return <>every agent and action</>;
  return (
    <dl className="space-y-0.5">
      {parts.map(([label, values]) => (
        <div key={label} className="flex gap-1.5" data-testid={`target-${label.toLowerCase()}`}>
          <dt className="text-slate-500 dark:text-slate-400">{label}:</dt>
          <dd className="font-mono">{values.join(", ")}</dd>
        </div>
      ))}
    </dl>
  );
}

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
              <Td className="text-xs"><Targets target={x.target} /></Td>
              <Td>v{x.version} · <Time iso={x.updatedAt} /></Td>
              <Td>{x.enabled ? <Badge tone="green">enabled</Badge> : <Badge>disabled</Badge>}</Td>
            </tr>
          ))}
        </Table>
      </Panel>
    </>
  );
}
