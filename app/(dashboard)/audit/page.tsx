import Link from "next/link";
import { AuditFeed } from "@/components/audit-feed.tsx";
import { VerifyChain } from "@/components/audit-tools.tsx";
import { Button } from "@/components/ui/button.tsx";
import { bytes } from "@/components/ui/format.ts";
import { ErrorText, Field, inputClass } from "@/components/ui/field.tsx";
import { PageHeader, Panel } from "@/components/ui/panel.tsx";
import { listAgents } from "@/lib/agents/index.ts";
import { auditKindFilters, auditQuerySchema, lastVerification, listAuditEvents, listAuditPartitions } from "@/lib/audit/index.ts";
import { listCohorts } from "@/lib/cohorts/index.ts";
import { actorLabels } from "../actor-labels.ts";
import { count } from "@/components/ui/count.ts";

export const metadata = { title: "Audit" };

const FILTERS = ["kind", "actor", "agent", "cohort", "q", "from", "to"] as const;
const KINDS = auditKindFilters();

/** datetime-local inputs have no zone; the log is shown in UTC, so that is what they mean. */
const asUtc = (v: string) => (/^\d{4}-\d\d-\d\dT\d\d:\d\d(:\d\d)?$/.test(v) ? `${v}Z` : v);

export default async function AuditPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const sp = await searchParams;
  const raw: Record<string, string> = {};
  for (const k of FILTERS) {
    const v = sp[k];
    if (typeof v === "string" && v.trim()) raw[k] = k === "from" || k === "to" ? asUtc(v.trim()) : v.trim();
  }
  const parsed = auditQuerySchema.safeParse({ ...raw, limit: 50 });
  const [first, labels, agents, cohorts, verified, partitions] = await Promise.all([
    parsed.success ? listAuditEvents(parsed.data) : { events: [], nextCursor: null },
    actorLabels(),
    listAgents(),
    listCohorts(),
    lastVerification(),
    listAuditPartitions(),
  ]);
  const exportHref = (format: string) => `/api/audit/export?${new URLSearchParams({ ...raw, format })}`;
  const value = (k: string) => (typeof sp[k] === "string" ? sp[k] : "");
  const filtered = Object.keys(raw).length > 0;
  return (
    <>
      <PageHeader title="Audit log" subtitle="Every decision and every change, hash-chained; the database refuses edits." actions={<VerifyChain last={verified} />} />
      <Panel flush>
        <form role="search" aria-label="Filter audit events" className="grid gap-3 border-b border-slate-200 p-4 sm:grid-cols-2 lg:grid-cols-4 dark:border-slate-800">
          <Field label="Kind" hint="Exact, or a family like agent.*">
            <input name="kind" list="audit-kinds" defaultValue={value("kind")} placeholder="any" autoComplete="off" className={inputClass} />
            <datalist id="audit-kinds">{KINDS.map((k) => <option key={k} value={k} />)}</datalist>
          </Field>
          <Field label="Actor" hint="user:…, agent:… or system">
            <input name="actor" list="audit-actors" defaultValue={value("actor")} placeholder="anyone" autoComplete="off" className={inputClass} />
            <datalist id="audit-actors">
              {Object.entries(labels).map(([id, l]) => <option key={id} value={id} label={l.name} />)}
            </datalist>
          </Field>
          <Field label="Agent">
            <select name="agent" defaultValue={value("agent")} className={inputClass}>
              <option value="">All agents</option>
              {agents.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
            </select>
          </Field>
          <Field label="Cohort">
            <select name="cohort" defaultValue={value("cohort")} className={inputClass}>
              <option value="">All cohorts</option>
              {cohorts.map((c) => <option key={c.id} value={c.name}>{c.name}</option>)}
            </select>
          </Field>
          <Field
            label="Search"
            hint="Any part of a subject (agt_…, user:…) or of an action's resource; the start of an action's id or idempotency key — as stored. Redacted values never match: find those with an agent timeline's “Holding a value”."
          >
            <input name="q" type="search" defaultValue={value("q")} placeholder="e.g. MSN-3118939, sku:LUX-0042, agt_" autoComplete="off" className={inputClass} />
          </Field>
          <Field label="From (UTC)">
            <input name="from" type="datetime-local" defaultValue={value("from")} className={inputClass} />
          </Field>
          <Field label="To (UTC)">
            <input name="to" type="datetime-local" defaultValue={value("to")} className={inputClass} />
          </Field>
          <div className="flex items-end gap-2 pb-0.5">
            <Button type="submit">Apply filters</Button>
            {filtered && <Link href="/audit" className="px-2 text-sm text-slate-500 hover:text-slate-800 dark:hover:text-slate-200">Clear</Link>}
          </div>
        </form>
        <div className="flex flex-wrap items-center gap-3 border-b border-slate-200 px-4 py-2 text-sm dark:border-slate-800">
          <span className="text-slate-500 dark:text-slate-400">{filtered ? "Export these events:" : "Export the whole log:"}</span>
          <a className="link" href={exportHref("jsonl")} download>JSONL</a>
          <a className="link" href={exportHref("csv")} download>CSV</a>
        </div>
        {parsed.success ? (
          <AuditFeed filter={raw} first={first} labels={labels} label="Audit events" />
        ) : (
          <div className="p-4">
            <ErrorText error={parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")} />
          </div>
        )}
      </Panel>
      <Panel
        title="Storage"
        className="mt-6"
        description="One partition per UTC month; retention drops whole months (npm run audit:retention), and the chains still verify across the gap."
      >
        <ul className="flex flex-wrap gap-2 text-xs" aria-label="Audit partitions">
          {partitions.map((p) => (
            <li key={p.name} className="rounded-md border border-slate-200 px-2 py-1 tabular-nums dark:border-slate-800" title={p.name}>
              <span className="font-medium">{p.from.toISOString().slice(0, 7)}</span>{" "}
              <span className="text-slate-500 dark:text-slate-400">
                {p.events > 0 ? `~${count(p.events, "event")}, ` : ""}
                {bytes(p.bytes)}
              </span>
            </li>
          ))}
        </ul>
      </Panel>
    </>
  );
}
