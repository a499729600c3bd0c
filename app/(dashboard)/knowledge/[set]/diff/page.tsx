import Link from "next/link";
import { DiffTable } from "@/components/knowledge/diff-table.tsx";
import { PageHeader, Panel } from "@/components/ui/panel.tsx";
import { diffKnowledgeVersions, diffQuerySchema } from "@/lib/knowledge/index.ts";
import { orNotFound, requirePrincipal } from "../../../../session.ts";

export const metadata = { title: "Knowledge diff" };

/** What changed between two versions of a set. */
export default async function VersionDiffPage({ params, searchParams }: { params: Promise<{ set: string }>; searchParams: Promise<Record<string, string | undefined>> }) {
  await requirePrincipal();
  const { set } = await params;
  const sp = await searchParams;
  const q = diffQuerySchema.safeParse({ from: sp.from ?? 0, to: sp.to, cursor: sp.cursor, limit: 200 });
  const query = q.success ? q.data : diffQuerySchema.parse({ from: 0, limit: 200 });
  const d = await orNotFound(diffKnowledgeVersions({ name: set, from: query.from, to: query.to, cursor: query.cursor, limit: 200 }));
  return (
    <>
      <PageHeader title={<>Diff of <Link className="link" href={`/knowledge/${set}`}>{set}</Link>: v{d.from} → v{d.to}</>} />
      <Panel flush>
        <DiffTable rows={d.changes} label="Version diff" />
        {d.nextCursor && <div className="p-3 text-right"><Link className="link text-sm" href={`/knowledge/${set}/diff?${new URLSearchParams({ from: String(d.from), to: String(d.to), cursor: d.nextCursor })}`}>Next page</Link></div>}
      </Panel>
    </>
  );
}
