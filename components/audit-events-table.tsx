import Link from "next/link";
import type { AuditEventView } from "@/lib/audit/index.ts";
import { Actor, type ActorLabels } from "./ui/actor.tsx";
import { Badge, type Tone } from "./ui/badge.tsx";
import { Empty, Table, Td } from "./ui/table.tsx";
import { Time } from "./ui/time.tsx";

/** Who an `actor` / `subject` string (user:…, agent:…) is, for people reading the log. */
export type { ActorLabels };

function kindTone(kind: string): Tone {
  if (/halted|revoked|denied|rejected|disabled|failed|login_failed/.test(kind)) return "red";
  if (/resumed|registered|created|granted|approved|allowed|login$/.test(kind)) return "green";
  if (/pending|requested|expired|changed|updated/.test(kind)) return "amber";
  return "blue";
}

/** Where a subject leads: its action, policy or agent page when there is one. */
function Subject({ event: e, labels }: { event: AuditEventView; labels: ActorLabels }) {
  const [type, id] = e.subject.split(":", 2);
  const href = type === "action" ? `/actions/${id}` : type === "policy" ? `/policies/${id}` : type === "agent" ? `/agents/${id}` : null;
  if (!href) return <Actor id={e.subject} labels={labels} />;
  return (
    <Link className="link text-sm" href={href} title={e.subject}>
      {labels[e.subject]?.name ?? <span className="font-mono text-xs">{e.subject}</span>}
    </Link>
  );
}

/** Audit events as a table, newest first; `data` rows expand to their JSON. */
export function AuditEventsTable({ events, labels = {}, showData = true, label = "Audit events", emptyText = "No events match." }: { events: AuditEventView[]; labels?: ActorLabels; showData?: boolean; label?: string; emptyText?: string }) {
  return (
    <Table label={label} head={["Seq", "When (UTC)", "Actor", "Event", "Subject", ...(showData ? ["Data"] : [])]} empty={events.length === 0 ? <Empty>{emptyText}</Empty> : null}>
      {events.map((e) => (
        <tr key={e.seq} data-testid="audit-row" className="align-top">
          <Td mono className="text-slate-500 dark:text-slate-400">{e.seq}</Td>
          <Td><Time iso={e.at} /></Td>
          <Td><Actor id={e.actor} labels={labels} /></Td>
          <Td><Badge tone={kindTone(e.kind)}>{e.kind}</Badge></Td>
          <Td>
            <Subject event={e} labels={labels} />
          </Td>
          {showData && (
            <Td>
              <details className="group">
                <summary className="cursor-pointer select-none text-xs text-slate-500 hover:text-slate-800 dark:text-slate-400 dark:hover:text-slate-200">
                  <span className="group-open:hidden">Show</span>
                  <span className="hidden group-open:inline">Hide</span> data
                </summary>
                <pre className="mt-2 max-h-80 max-w-xl overflow-auto whitespace-pre-wrap break-all rounded-md bg-slate-50 p-2 font-mono text-xs text-slate-800 ring-1 ring-slate-200 dark:bg-slate-950 dark:text-slate-200 dark:ring-slate-800">
                  {JSON.stringify(e.data, null, 2)}
                </pre>
              </details>
            </Td>
          )}
        </tr>
      ))}
    </Table>
  );
}
