import Link from "next/link";
import { ImportPanel } from "@/components/knowledge/import-panel.tsx";
import { Badge } from "@/components/ui/badge.tsx";
import { PageHeader, Panel, Stat } from "@/components/ui/panel.tsx";
import { Empty, Table, Td } from "@/components/ui/table.tsx";
import { Time } from "@/components/ui/time.tsx";
import { can } from "@/lib/auth/index.ts";
import { knowledgeRecordHistory, listKnowledgeDrafts, listKnowledgeReads, listKnowledgeSets, listKnowledgeVersions, readKnowledgeSet, setQuerySchema } from "@/lib/knowledge/index.ts";
import { orNotFound, requirePrincipal } from "../../../session.ts";
import { count } from "@/components/ui/count.ts";

export const metadata = { title: "Knowledge set" };

const compact = (v: unknown) => <span className="font-mono text-xs">{typeof v === "string" ? v : JSON.stringify(v)}</span>;

/** One set: its records at a version (stale highlighted, provenance), versions and their diffs, drafts, import, and who read what. */
export default async function KnowledgeSetPage({ params, searchParams }: { params: Promise<{ set: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const p = await requirePrincipal();
  const { set: name } = await params;
  const sp = await searchParams;
  const q = setQuerySchema.safeParse({ version: sp.version, cursor: sp.cursor, limit: 50, stale: sp.stale });
  const query = q.success ? q.data : setQuerySchema.parse({ limit: 50 });
  const view = await orNotFound(readKnowledgeSet({ name, version: query.version, cursor: query.cursor, limit: 50, stale: query.stale }));
  const [versions, drafts, reads, summary, history] = await Promise.all([
    listKnowledgeVersions(name),
    listKnowledgeDrafts(name),
    listKnowledgeReads(view.id),
    listKnowledgeSets().then((all) => all.find((s) => s.name === name)),
    sp.key ? knowledgeRecordHistory(name, sp.key).catch(() => null) : Promise.resolve(null),
  ]);
  const columns = Object.keys((view.schema as { properties?: Record<string, unknown> }).properties ?? {});
  const link = (over: Record<string, string | undefined>) => {
    const next = new URLSearchParams(Object.entries({ version: sp.version, stale: sp.stale, ...over }).filter((e): e is [string, string] => !!e[1]));
    return `/knowledge/${name}${next.size ? `?${next}` : ""}`;
  };
  const old = view.version !== view.currentVersion;
  return (
    <>
      <PageHeader
        title={<span className="flex items-center gap-3">{name} {view.currentVersion ? <Badge tone="blue">v{view.currentVersion}</Badge> : <Badge>nothing published</Badge>}</span>}
        subtitle={<>{view.description} · owner {view.owner} · readers {view.readers.cohorts.join(", ") || "none"} · {view.maxAgeDays ? `records stale after ${count(view.maxAgeDays, "day")}` : "no age limit"}</>}
      />
      <div className="mb-6 grid gap-3 sm:grid-cols-3">
        <Stat label="Records" value={(summary?.records ?? 0).toLocaleString("en")} />
        <Stat label="Stale now" value={summary?.stale ?? 0} tone={summary?.stale ? "red" : "green"} hint="older than the max age, expired, or not yet in force" />
        <Stat label="Open drafts" value={summary?.openDrafts ?? 0} tone={summary?.openDrafts ? "amber" : undefined} />
      </div>
      <div className="grid gap-6">
        <Panel
          flush
          title={<>Records {view.version ? <>at v{view.version}{old && <Badge tone="amber">superseded</Badge>}</> : null}</>}
          description={view.publishedAt ? <>published <Time iso={view.publishedAt} /> by {view.publishedBy}, proposed by {view.proposedBy}</> : "No version yet: an approved draft publishes version 1."}
          actions={
            <>
              <Link className="link text-sm" href={link({ stale: query.stale ? undefined : "true", cursor: undefined })}>{query.stale ? "All records" : "Only stale"}</Link>
              {old && <Link className="link text-sm" href={link({ version: undefined, cursor: undefined })}>Current version</Link>}
            </>
          }
        >
          <Table label="Records" head={["Key", "Value", "Source", "Updated", "Provenance", "In force", "Freshness"]} empty={view.records.length === 0 ? <Empty>{query.stale ? "No stale records." : "No records."}</Empty> : null}>
            {view.records.map((r) => (
              <tr key={r.key} data-testid="record-row" className={r.stale ? "bg-red-50/70 dark:bg-red-500/5" : undefined}>
                <Td mono><Link className="link" href={link({ key: r.key })}>{r.key}</Link></Td>
                <Td>{compact(r.value)}</Td>
                <Td className="max-w-[16rem] truncate text-xs" >{r.source}</Td>
                <Td><Time iso={r.updatedAt} /><div className="text-xs text-slate-500">v{r.since}</div></Td>
                <Td className="text-xs">proposed by {r.proposedBy}<br />approved by {r.approvedBy}</Td>
                <Td className="text-xs">{r.effectiveFrom ? <>from <Time iso={r.effectiveFrom} /></> : "on publish"}{r.expiresAt && <><br />until <Time iso={r.expiresAt} /></>}</Td>
                <Td>{r.stale ? <Badge tone="red">{r.staleReason}</Badge> : <Badge tone="green">fresh</Badge>}</Td>
              </tr>
            ))}
          </Table>
          {view.nextCursor && <div className="p-3 text-right"><Link className="link text-sm" href={link({ cursor: view.nextCursor })}>Next page</Link></div>}
        </Panel>
        {history && (
          <Panel flush title={<>Provenance of <span className="font-mono">{history.key}</span></>} description="Every value this record has had, newest first.">
            <Table label="Record history" head={["Versions", "Value", "Source", "Proposed", "Approved", "Published"]}>
              {history.history.map((h) => (
                <tr key={h.since}>
                  <Td>v{h.since}{h.until ? `–v${h.until - 1}` : " → now"}</Td>
                  <Td>{compact(h.value)}</Td>
                  <Td className="text-xs">{h.source}</Td>
                  <Td className="text-xs">{h.proposedBy}</Td>
                  <Td className="text-xs">{h.approvedBy}</Td>
                  <Td><Time iso={h.updatedAt} /></Td>
                </tr>
              ))}
            </Table>
          </Panel>
        )}
        <Panel flush title="Drafts">
          <Table label="Drafts" head={["Draft", "Status", "Author", "Changes", "Proposed", "Decided"]} empty={drafts.length === 0 ? <Empty>No drafts.</Empty> : null}>
            {drafts.map((d) => (
              <tr key={d.id}>
                <Td><Link className="link font-mono text-xs" href={`/knowledge/${name}/drafts/${d.id}`}>{d.id}</Link>{d.note && <div className="text-xs text-slate-500">{d.note}</div>}</Td>
                <Td><Badge tone={d.status === "open" ? "amber" : d.status === "published" ? "green" : "red"}>{d.status}{d.publishedVersion ? ` v${d.publishedVersion}` : ""}</Badge></Td>
                <Td className="text-xs">{d.author}</Td>
                <Td className="tabular-nums">{d.changes.toLocaleString("en")} <span className="text-xs text-slate-500">({d.origin}, {d.mode})</span></Td>
                <Td><Time iso={d.createdAt} /></Td>
                <Td>{d.decidedBy ? <><Time iso={d.decidedAt} /><div className="text-xs text-slate-500">{d.decidedBy}</div></> : "—"}</Td>
              </tr>
            ))}
          </Table>
        </Panel>
        {can(p.role, "knowledge:propose") && (
          <Panel title="Import" description="Propose records from a CSV file: preview the diff against the published version, then propose it as a draft.">
            <ImportPanel set={name} columns={columns} />
          </Panel>
        )}
        <Panel flush title="Versions">
          <Table label="Versions" head={["Version", "Published", "By", "Changes", "Records", ""]} empty={versions.length === 0 ? <Empty>No versions yet.</Empty> : null}>
            {versions.map((v) => (
              <tr key={v.version}>
                <Td><Link className="link" href={`/knowledge/${name}?version=${v.version}`}>v{v.version}</Link></Td>
                <Td><Time iso={v.publishedAt} /></Td>
                <Td className="text-xs">approved by {v.publishedBy}<br />proposed by {v.proposedBy}</Td>
                <Td className="text-xs">+{v.summary.added} ~{v.summary.changed} −{v.summary.removed}{v.summary.refreshed ? ` ⟳${v.summary.refreshed}` : ""}</Td>
                <Td className="tabular-nums">{v.records.toLocaleString("en")}</Td>
                <Td>{v.version > 1 && <Link className="link text-sm" href={`/knowledge/${name}/diff?from=${v.version - 1}&to=${v.version}`}>diff</Link>}</Td>
              </tr>
            ))}
          </Table>
        </Panel>
        <Panel flush title="Reads" description="Who read which version how often (GET /v1/knowledge; counted per agent and version).">
          <Table label="Reads" head={["Agent", "Cohort", "Version", "Reads", "First", "Last"]} empty={reads.length === 0 ? <Empty>No agent has read this set yet.</Empty> : null}>
            {reads.map((r) => (
              <tr key={`${r.agentId}-${r.version}`}>
                <Td><Link className="link" href={`/agents/${r.agentId}`}>{r.agent}</Link></Td>
                <Td>{r.cohort}</Td>
                <Td>v{r.version}{r.version !== view.currentVersion && <span className="ml-1 text-xs text-amber-600">(superseded)</span>}</Td>
                <Td className="tabular-nums">{r.reads.toLocaleString("en")}</Td>
                <Td><Time iso={r.firstReadAt} /></Td>
                <Td><Time iso={r.lastReadAt} /></Td>
              </tr>
            ))}
          </Table>
        </Panel>
      </div>
    </>
  );
}
