import Link from "next/link";
import { VerifyChain } from "@/components/audit-tools.tsx";
import { Badge, Button, Card, Empty, ErrorText, inputClass, PageHeader, Table, Td, Time } from "@/components/ui/primitives.tsx";
import { auditQuerySchema, listAuditEvents } from "@/lib/audit/index.ts";

export const metadata = { title: "Audit" };

const FILTERS = ["kind", "actor", "agent", "cohort", "q", "from", "to"] as const;

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const sp = await searchParams;
  const raw = Object.fromEntries(Object.entries(sp).filter(([k, v]) => (FILTERS as readonly string[]).includes(k) || k === "cursor" ? Boolean(v) : false));
  const parsed = auditQuerySchema.safeParse({ ...raw, limit: 50 });
  const page = parsed.success ? await listAuditEvents(parsed.data) : { events: [], nextCursor: null };
  const filterQs = new URLSearchParams(Object.entries(raw).filter(([k]) => k !== "cursor") as [string, string][]);
  const next = page.nextCursor ? `/audit?${new URLSearchParams({ ...Object.fromEntries(filterQs), cursor: page.nextCursor })}` : null;
  return (
    <>
      <PageHeader title="Audit log" subtitle="Every decision and every change, hash-chained; the database refuses edits." actions={<VerifyChain />} />
      <Card>
        <form className="mb-4 grid gap-2 sm:grid-cols-4 lg:grid-cols-8" role="search">
          <input name="kind" placeholder="kind, e.g. agent.*" defaultValue={sp.kind} aria-label="Kind" className={inputClass} />
          <input name="actor" placeholder="actor, e.g. user:usr_…" defaultValue={sp.actor} aria-label="Actor" className={inputClass} />
          <input name="agent" placeholder="agent id" defaultValue={sp.agent} aria-label="Agent" className={inputClass} />
          <input name="cohort" placeholder="cohort" defaultValue={sp.cohort} aria-label="Cohort" className={inputClass} />
          <input name="q" placeholder="subject contains" defaultValue={sp.q} aria-label="Subject" className={inputClass} />
          <input name="from" type="datetime-local" defaultValue={sp.from} aria-label="From" className={inputClass} />
          <input name="to" type="datetime-local" defaultValue={sp.to} aria-label="To" className={inputClass} />
          <Button type="submit" variant="secondary">Filter</Button>
        </form>
        {!parsed.success && <ErrorText error={parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")} />}
        <div className="mb-3 flex gap-3 text-sm">
          <span className="text-slate-500">Export the filtered log:</span>
          <a className="text-brand-600 hover:underline" href={`/api/audit/export?${new URLSearchParams({ ...Object.fromEntries(filterQs), format: "jsonl" })}`}>JSONL</a>
          <a className="text-brand-600 hover:underline" href={`/api/audit/export?${new URLSearchParams({ ...Object.fromEntries(filterQs), format: "csv" })}`}>CSV</a>
        </div>
        <Table head={["Seq", "When", "Actor", "Kind", "Subject", "Data"]} empty={page.events.length === 0 ? <Empty>No events match.</Empty> : null}>
          {page.events.map((e) => (
            <tr key={e.seq} data-testid="audit-row">
              <Td mono>{e.seq}</Td>
              <Td><Time iso={e.at} /></Td>
              <Td mono>{e.actor}</Td>
              <Td><Badge tone="blue">{e.kind}</Badge></Td>
              <Td mono>{e.agentId ? <Link className="text-brand-600 hover:underline" href={`/agents/${e.agentId}`}>{e.subject}</Link> : e.subject}</Td>
              <Td>
                <details>
                  <summary className="cursor-pointer text-xs text-slate-500">data</summary>
                  <pre className="mt-1 max-w-xl overflow-x-auto whitespace-pre-wrap break-all rounded bg-slate-50 p-2 font-mono text-xs dark:bg-slate-950">{JSON.stringify(e.data, null, 2)}</pre>
                </details>
              </Td>
            </tr>
          ))}
        </Table>
        {next && (
          <div className="mt-4 text-center">
            <Link href={next} className="text-sm font-medium text-brand-600 hover:underline">Older events →</Link>
          </div>
        )}
      </Card>
    </>
  );
}
