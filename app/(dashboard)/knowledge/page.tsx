import Link from "next/link";
import { NewSetForm } from "@/components/knowledge/set-form.tsx";
import { Badge } from "@/components/ui/badge.tsx";
import { PageHeader, Panel } from "@/components/ui/panel.tsx";
import { Empty, Table, Td } from "@/components/ui/table.tsx";
import { Time } from "@/components/ui/time.tsx";
import { can } from "@/lib/auth/index.ts";
import { listKnowledgeSets, listOpenKnowledgeDrafts } from "@/lib/knowledge/index.ts";
import { requirePrincipal } from "../../session.ts";
import { count } from "@/components/ui/count.ts";

export const metadata = { title: "Knowledge" };

/** Every knowledge set with its version and freshness, and the drafts waiting for approval. */
export default async function KnowledgePage() {
  const p = await requirePrincipal();
  const [sets, drafts] = await Promise.all([listKnowledgeSets(), listOpenKnowledgeDrafts()]);
  return (
    <>
      <PageHeader title="Knowledge" subtitle="Approved, versioned facts that agents read, policies check (CEL data[…]) and every decision cites." />
      <Panel flush title="Sets">
        <Table label="Knowledge sets" head={["Set", "Version", "Records", "Freshness", "Readers", "Drafts", "Published"]} empty={sets.length === 0 ? <Empty>No knowledge sets yet.</Empty> : null}>
          {sets.map((s) => (
            <tr key={s.id} data-testid={`set-${s.name}`} className={s.stale > 0 ? "bg-red-50/60 dark:bg-red-500/5" : undefined}>
              <Td>
                <Link className="link font-medium" href={`/knowledge/${s.name}`}>{s.name}</Link>
                <div className="text-xs text-slate-500">{s.description}</div>
              </Td>
              <Td>{s.version ? <Badge tone="blue">v{s.version}</Badge> : <Badge>none yet</Badge>}</Td>
              <Td className="tabular-nums">{s.records.toLocaleString("en")}</Td>
              <Td>
                {s.stale > 0 ? <Badge tone="red">{s.stale} stale</Badge> : <Badge tone="green">fresh</Badge>}
                <div className="text-xs text-slate-500">{s.maxAgeDays ? `max ${count(s.maxAgeDays, "day")}` : "no age limit"}</div>
              </Td>
              <Td className="text-xs">{s.readers.cohorts.join(", ") || "—"}</Td>
              <Td>{s.openDrafts > 0 ? <Badge tone="amber">{s.openDrafts} open</Badge> : "—"}</Td>
              <Td>
                <Time iso={s.publishedAt} />
                {s.publishedBy && <div className="text-xs text-slate-500">by {s.publishedBy}</div>}
              </Td>
            </tr>
          ))}
        </Table>
      </Panel>
      <Panel flush title="Drafts waiting for approval" className="mt-6" description="Published only when someone other than the author approves.">
        <Table label="Drafts waiting for approval" head={["Set", "Draft", "Author", "Changes", "Proposed"]} empty={drafts.length === 0 ? <Empty>No drafts waiting.</Empty> : null}>
          {drafts.map((d) => (
            <tr key={d.id}>
              <Td><Link className="link" href={`/knowledge/${d.set}`}>{d.set}</Link></Td>
              <Td>
                <Link className="link font-mono text-xs" href={`/knowledge/${d.set}/drafts/${d.id}`}>{d.id}</Link>
                {d.note && <div className="text-xs text-slate-500">{d.note}</div>}
              </Td>
              <Td className="text-xs">{d.author}</Td>
              <Td className="tabular-nums">{d.changes.toLocaleString("en")} <span className="text-xs text-slate-500">({d.origin}, {d.mode})</span></Td>
              <Td><Time iso={d.createdAt} /></Td>
            </tr>
          ))}
        </Table>
      </Panel>
      {can(p.role, "knowledge:manage") && (
        <Panel title="New set" className="mt-6">
          <NewSetForm />
        </Panel>
      )}
    </>
  );
}
