import Link from "next/link";
import { ChangeSummary } from "@/components/approval-queue.tsx";
import { Reasons } from "@/components/reasons.tsx";
import { Actor } from "@/components/ui/actor.tsx";
import { Badge, statusTone } from "@/components/ui/badge.tsx";
import { PageHeader, Panel } from "@/components/ui/panel.tsx";
import { Table, Td } from "@/components/ui/table.tsx";
import { Time } from "@/components/ui/time.tsx";
import { getAction } from "@/lib/decisions/index.ts";
import { orNotFound, requirePrincipal } from "../../../session.ts";
import { actorLabels } from "../../actor-labels.ts";

export const metadata = { title: "Action" };

const json = (v: unknown) => <pre className="overflow-x-auto rounded bg-slate-50 p-2 font-mono text-xs dark:bg-slate-950">{JSON.stringify(v, null, 2)}</pre>;

/** One action's whole story: what the agent asked, why Warden answered as it did, who decided, what happened, and its audit events. */
export default async function ActionPage({ params }: { params: Promise<{ id: string }> }) {
  await requirePrincipal();
  const { id } = await params;
  const a = await orNotFound(getAction(id));
  const labels = await actorLabels(a.events.map((e) => e.actor));
  const allFlags = (Array.isArray(a.flags) ? a.flags : []) as { kind?: string; policyName?: string; policyVersion?: number; message: string; shadow?: boolean; knowledge?: { set: string; version: number }[] }[];
  // Citation flags are raised at decision time; the rest by post-checks on the result.
  const citations = allFlags.filter((f) => f.kind === "knowledge_citation");
  const flags = allFlags.filter((f) => f.kind !== "knowledge_citation");
  const redacted = JSON.stringify([a.input, a.context, a.resource, a.result]).includes("[redacted:");
  return (
    <>
      <PageHeader
        title={<span className="flex flex-wrap items-center gap-x-3 gap-y-1 break-all font-mono text-xl">{a.action} <Badge tone={statusTone(a.status)}>{a.status}</Badge></span>}
        subtitle={<>by <Link className="link" href={`/agents/${a.agentId}`}>{a.agentName}</Link> ({a.cohort}) · {a.resource || "no resource"} · <Time iso={a.createdAt} /></>}
      />
      <div className="grid gap-6 xl:grid-cols-2">
        <Panel title="Request">
          <ChangeSummary input={a.input as Record<string, unknown>} />
          <div className="mt-2 space-y-2 text-sm">
            {redacted && <p className="text-xs text-slate-500 dark:text-slate-400">Values shown as <code className="font-mono">[redacted:kind:…]</code> were replaced before storage (PII redaction); the hash lets you search for a known value.</p>}
            <div>Input {json(a.input)}</div>
            <div>Context {json(a.context)}</div>
            {a.idempotencyKey && <p className="text-xs text-slate-500">Idempotency key <code>{a.idempotencyKey}</code></p>}
          </div>
        </Panel>
        <Panel title="Decision">
          <div className="space-y-3 text-sm" data-testid="action-decision">
            {/* An approval that ended says how (lib/actions outcome.ts: the same words as Approvals → History); a decision at once says allow or deny. */}
            {a.outcome ? (
              <p data-testid="action-outcome">
                Outcome <Badge tone={statusTone(a.status)}>{a.outcome.label}</Badge>
                {a.decidedAt && <> at <Time iso={a.decidedAt} /></>}
                {a.quorum ? ` · quorum ${a.quorum}` : ""}
              </p>
            ) : (
              <p>
                {a.status === "pending" ? "Waiting for people" : "Decision"} <Badge tone={statusTone(a.decision)}>{a.decision}</Badge>
                {a.decidedAt && <> at <Time iso={a.decidedAt} /></>}
                {a.quorum ? ` · quorum ${a.quorum}` : ""}
                {a.expiresAt && a.status === "pending" ? <> · expires <Time iso={a.expiresAt} /></> : null}
              </p>
            )}
            <Reasons reasons={a.reasons} shadow={a.shadow} />
            {a.approvals.length > 0 && (
              <div>
                <h3 className="text-xs font-medium text-slate-500 dark:text-slate-400">Votes</h3>
                <ul className="mt-1 space-y-1" aria-label="Votes">
                  {a.approvals.map((v) => (
                    <li key={v.userId} className="flex flex-wrap items-center gap-2">
                      <Badge tone={v.vote === "approve" ? "green" : "red"}>{v.vote === "approve" ? "approved" : "rejected"}</Badge> {v.name} <span className="text-xs text-slate-500">{v.email}</span> <Time iso={v.at} />
                      {v.comment && <span className="text-slate-600 dark:text-slate-300">“{v.comment}”</span>}
                    </li>
                  ))}
                </ul>
              </div>
            )}
            <div data-testid="action-knowledge">
              <h3 className="text-xs font-medium text-slate-500 dark:text-slate-400">Knowledge versions evaluated</h3>
              {a.knowledge.length ? (
                <ul className="mt-1 flex flex-wrap gap-2">
                  {a.knowledge.map((k) => (
                    <li key={k.set}><Link className="link font-mono text-xs" href={`/knowledge/${k.set}?version=${k.version}`}>{k.set} v{k.version}</Link></li>
                  ))}
                </ul>
              ) : (
                <p className="text-xs text-slate-500">None: no policy that targets this action reads knowledge.</p>
              )}
            </div>
            {citations.length > 0 && (
              <ul aria-label="Knowledge citation flags" className="space-y-1">
                {citations.map((f, i) => <li key={i} className="text-amber-700 dark:text-amber-300"><Badge tone="amber">citation</Badge> {f.message}</li>)}
              </ul>
            )}
            <details className="text-xs"><summary className="cursor-pointer text-slate-500">Policy versions evaluated</summary>{json(a.policyVersions)}</details>
          </div>
        </Panel>
        <Panel title="Result">
          {a.result ? (
            <div className="space-y-2 text-sm">
              <p><Badge tone={statusTone(a.result.status)}>{a.result.status}</Badge> at <Time iso={a.result.at} /></p>
              {a.result.error && <p className="text-red-700">{a.result.error}</p>}
              {a.result.output !== null && json(a.result.output)}
              {flags.length > 0 && (
                <ul aria-label="Post-check flags" className="space-y-1">
                  {flags.map((f, i) => (
                    <li key={i} className={f.shadow ? "text-amber-700 dark:text-amber-300" : "text-red-700 dark:text-red-300"}>
                      <Badge tone={f.shadow ? "amber" : "red"}>{f.shadow ? "shadow flag" : "flagged"}</Badge> {f.policyName ? `${f.policyName}${f.policyVersion ? ` v${f.policyVersion}` : ""}: ` : ""}{f.message}
                      {f.knowledge?.length ? <span className="ml-1 text-xs text-slate-500">(checked against {f.knowledge.map((k) => `${k.set} v${k.version}`).join(", ")})</span> : null}
                    </li>
                  ))}
                </ul>
              )}
            </div>
          ) : (
            <p className="text-sm text-slate-500">No result reported{a.decision === "allow" ? " yet" : ": the action was not allowed"}.</p>
          )}
        </Panel>
        <Panel title="Audit events" className="xl:col-span-2" flush actions={<Link className="link text-sm" href={`/audit?${new URLSearchParams({ q: `action:${a.id}` })}`}>Open in audit log</Link>}>
          <Table head={["Seq", "When", "Actor", "Kind"]}>
            {a.events.map((e) => (
              <tr key={e.seq} data-testid="action-audit-row">
                <Td mono>{e.seq}</Td>
                <Td><Time iso={e.at} /></Td>
                <Td><Actor id={e.actor} labels={labels} /></Td>
                <Td><Badge tone="blue">{e.kind}</Badge></Td>
              </tr>
            ))}
          </Table>
        </Panel>
      </div>
    </>
  );
}
