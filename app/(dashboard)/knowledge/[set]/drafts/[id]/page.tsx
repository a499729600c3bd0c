import Link from "next/link";
import { DraftActions } from "@/components/knowledge/draft-actions.tsx";
import { DiffTable, SummaryLine } from "@/components/knowledge/diff-table.tsx";
import { Badge } from "@/components/ui/badge.tsx";
import { PageHeader, Panel } from "@/components/ui/panel.tsx";
import { Time } from "@/components/ui/time.tsx";
import { can } from "@/lib/auth/index.ts";
import { draftViewQuerySchema, getKnowledgeDraft } from "@/lib/knowledge/index.ts";
import { orNotFound, requirePrincipal } from "../../../../../session.ts";
import { count } from "@/components/ui/count.ts";

export const metadata = { title: "Knowledge draft" };

/** A draft with its readable diff against the published version, and approve / reject. */
export default async function DraftPage({ params, searchParams }: { params: Promise<{ set: string; id: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  const p = await requirePrincipal();
  const { set, id } = await params;
  const sp = await searchParams;
  const q = draftViewQuerySchema.safeParse({ cursor: sp.cursor, change: sp.change, limit: 100 });
  const query = q.success ? q.data : draftViewQuerySchema.parse({ limit: 100 });
  const d = await orNotFound(getKnowledgeDraft({ name: set, id, cursor: query.cursor, limit: 100, change: query.change }));
  const kinds = ["added", "changed", "removed", "refreshed", "unchanged"] as const;
  return (
    <>
      <PageHeader
        title={<span className="flex items-center gap-3">Draft of <Link className="link" href={`/knowledge/${set}`}>{set}</Link> <Badge tone={d.status === "open" ? "amber" : d.status === "published" ? "green" : "red"} >{d.status}{d.publishedVersion ? ` as v${d.publishedVersion}` : ""}</Badge></span>}
        subtitle={<>proposed by {d.author} · <Time iso={d.createdAt} /> · {count(d.changes, "change")} ({d.origin}, {d.mode}) · made against v{d.baseVersion}{d.status === "open" && d.currentVersion !== d.baseVersion ? `, current v${d.currentVersion}` : ""}{d.note ? ` · “${d.note}”` : ""}</>}
      />
      <div className="grid gap-6">
        <Panel
          title={d.status === "open" ? "Diff against the published version" : d.status === "published" ? `What v${d.publishedVersion} changed` : "Diff against the published version"}
          actions={
            <div className="flex flex-wrap gap-2 text-sm">
              <Link className={`link ${!query.change ? "font-semibold" : ""}`} href={`/knowledge/${set}/drafts/${id}`}>all</Link>
              {kinds.map((k) => <Link key={k} className={`link ${query.change === k ? "font-semibold" : ""}`} href={`/knowledge/${set}/drafts/${id}?change=${k}`}>{k}</Link>)}
            </div>
          }
        >
          <SummaryLine s={d.summary} />
          <div className="mt-3">
            <DiffTable rows={query.change ? d.diff : d.diff.filter((x) => x.change !== "unchanged")} label="Draft diff" />
          </div>
          {d.nextCursor && <div className="p-3 text-right"><Link className="link text-sm" href={`/knowledge/${set}/drafts/${id}?${new URLSearchParams({ cursor: d.nextCursor, ...(query.change ? { change: query.change } : {}) })}`}>Next page</Link></div>}
        </Panel>
        {d.status === "open" ? (
          <Panel title="Decision">
            <DraftActions set={set} id={id} canApprove={can(p.role, "knowledge:approve")} isAuthor={d.authorId === p.userId} />
          </Panel>
        ) : (
          <Panel title="Decision">
            <p className="text-sm">{d.status === "published" ? "Approved and published" : "Rejected"} by {d.decidedBy} <Time iso={d.decidedAt} />{d.comment ? ` — “${d.comment}”` : ""}</p>
          </Panel>
        )}
      </div>
    </>
  );
}
