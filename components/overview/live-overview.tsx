"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { Overview } from "@/lib/overview/index.ts";
import { api, messageOf } from "../api.ts";
import { Badge, StatusBadge } from "../ui/badge.tsx";
import { Panel, Stat } from "../ui/panel.tsx";
import { Empty, Table, Td } from "../ui/table.tsx";
import { CohortRatesChart, DecisionsChart, MixBar } from "./charts.tsx";
import { num, pct } from "../ui/format.ts";
import { count } from "../ui/count.ts";
import { haltedHint } from "./halted-hint.ts";

const REFRESH_MS = 5000;

/** "4 min", "2 h 5 min": how long something has been waiting. */
export function age(fromIso: string, now: string): string {
  const s = Math.max(0, Math.round((Date.parse(now) - Date.parse(fromIso)) / 1000));
  if (s < 60) return `${s} s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m} min`;
  const h = Math.floor(m / 60);
  return h < 48 ? `${h} h ${m % 60} min` : `${Math.floor(h / 24)} days`;
}

/** " · served from replica, lag 12 ms" / " · served from primary (replica lagging …)"; nothing without a replica. */
function readFromText(r: Overview["readFrom"]): string {
  if (r.server === "replica") return ` · served from replica, lag ${num(r.lagMs)} ms`;
  if (r.reason === "not_configured") return "";
  const why = r.reason === "lagging" ? `replica lagging${r.lagMs === null ? "" : ` ${num(r.lagMs)} ms`}` : r.reason === "read_failed" ? "replica read failed" : r.reason === "not_standby" ? "replica is not a standby" : "replica unreachable";
  return ` · served from primary (${why})`;
}

/** The overview, refreshed every few seconds from GET /api/overview. */
export function LiveOverview({ initial }: { initial: Overview }) {
  const q = useQuery({ queryKey: ["overview"], queryFn: () => api<Overview>("/api/overview"), initialData: initial, refetchInterval: REFRESH_MS });
  const o = q.data;
  const h = o.lastHour;
  const haltedCount = o.halted.cohorts.length + o.halted.agents.length + (o.halted.global ? 1 : 0);
  const busiestMax = Math.max(1, ...o.busiestAgents.map((a) => a.total));
  const policyMax = Math.max(1, ...o.topPolicies.map((p) => p.fired + p.shadow));
  return (
    <>
      <p className="-mt-4 mb-4 flex items-center gap-2 text-xs text-slate-500 dark:text-slate-400" role="status" aria-live="off">
        <span className={`h-2 w-2 rounded-full ${q.isError ? "bg-red-500" : "animate-pulse bg-emerald-500"}`} aria-hidden />
        {q.isError ? `Not refreshing: ${messageOf(q.error)}` : `Live · updated ${o.generatedAt.slice(11, 19)} UTC${readFromText(o.readFrom)}`}
      </p>
      {o.containment.held.length > 0 && (
        <section aria-label="Open circuit breakers" className="mb-4 space-y-2">
          {o.containment.held.map((h) => (
            <p key={h.breakerId} role="alert" data-testid="open-breaker" className="rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-200">
              <strong className="font-semibold">Circuit {h.state === "half_open" ? "half-open" : "open"}: {h.name}</strong> holds {h.holds.kind === "cohort" ? "cohort" : "agent"}{" "}
              {h.holds.kind === "agent" ? <Link className="underline" href={`/agents/${h.holds.id}`}>{h.holds.name}</Link> : <Link className="underline" href="/cohorts">{h.holds.name}</Link>}: its actions are denied with <code>circuit_open</code>
              {h.message ? ` — ${h.message}` : ""}. <span className="text-xs">Since {age(h.openedAt, o.generatedAt)} · <Link className="underline" href="/containment">reset under Containment</Link></span>
            </p>
          ))}
        </section>
      )}
      <div className="grid grid-cols-2 gap-3 sm:grid-cols-3 xl:grid-cols-6">
        <Stat label="Decisions, last hour" value={num(h.total)} hint={`${num(o.lastDay.total)} in 24 h`} />
        <Stat label="Deny rate" value={pct(h.total ? h.denied / h.total : 0)} hint={`${num(h.denied)} denied this hour`} tone={h.denied ? "red" : undefined} />
        <Stat label="Escalation rate" value={pct(h.total ? h.escalated / h.total : 0)} hint={`${num(h.escalated)} sent to a human`} tone={h.escalated ? "amber" : undefined} />
        <Stat
          label="Pending approvals"
          value={<Link href="/approvals" className="hover:underline">{num(o.pending.count)}</Link>}
          hint={o.pending.oldestAt ? `oldest waiting ${age(o.pending.oldestAt, o.generatedAt)}` : "queue is clear"}
          tone={o.pending.count ? "amber" : undefined}
        />
        <Stat label="Active agents" value={num(o.agents.total - o.agents.halted)} hint={`of ${num(o.agents.total)} registered`} tone={o.agents.total - o.agents.halted ? "green" : undefined} />
        <Stat label="Halted agents" value={num(o.agents.halted)} hint={haltedHint(o.halted)} tone={o.agents.halted ? "red" : undefined} />
      </div>

      <Panel title="Containment" className="mt-6" flush actions={<Link className="link text-sm" href="/containment">Containment</Link>}>
        <div className="grid grid-cols-1 gap-px bg-slate-100 text-sm sm:grid-cols-3 dark:bg-slate-800" data-testid="containment-summary">
          <div className="bg-white px-4 py-3 dark:bg-slate-900/60">
            <div className="text-xs text-slate-500 dark:text-slate-400">Breakers holding</div>
            <div className={`text-xl font-semibold tabular-nums ${o.containment.held.length ? "text-red-600 dark:text-red-400" : ""}`}>{o.containment.held.length}</div>
          </div>
          <div className="bg-white px-4 py-3 dark:bg-slate-900/60">
            <div className="text-xs text-slate-500 dark:text-slate-400">Unusual access, 24 h</div>
            <div className={`text-xl font-semibold tabular-nums ${o.containment.anomalies.last24h ? "text-amber-600 dark:text-amber-400" : ""}`}>{o.containment.anomalies.last24h}</div>
            {o.containment.anomalies.recent[0] && (
              <div className="truncate text-xs text-slate-500" title={o.containment.anomalies.recent[0].explanation}>
                {o.containment.anomalies.recent[0].agentName} {o.containment.anomalies.recent[0].explanation}
              </div>
            )}
          </div>
          <div className="bg-white px-4 py-3 dark:bg-slate-900/60">
            <div className="text-xs text-slate-500 dark:text-slate-400">Unrestricted agents</div>
            <div className={`text-xl font-semibold tabular-nums ${o.containment.unrestricted.length ? "text-amber-600 dark:text-amber-400" : ""}`}>{o.containment.unrestricted.length}</div>
            {o.containment.unrestricted.length > 0 && (
              <div className="truncate text-xs text-slate-500">
                <Badge tone="amber" dot>unrestricted</Badge> {o.containment.unrestricted.slice(0, 3).map((a) => a.name).join(", ")}
                {o.containment.unrestricted.length > 3 ? ` and ${o.containment.unrestricted.length - 3} more` : ""}
              </div>
            )}
            {o.containment.pendingGrantChanges > 0 && <div className="text-xs text-slate-500">{count(o.containment.pendingGrantChanges, "grant request")} waiting</div>}
          </div>
        </div>
      </Panel>

      <div className="mt-6 grid gap-6 xl:grid-cols-5">
        <Panel title="Decisions per minute" description="Last hour, UTC. Stacked by outcome; “needed a human” includes those since approved, rejected or expired." className="xl:col-span-3">
          <DecisionsChart data={o.perMinute} />
        </Panel>
        <Panel title="Deny and escalation rates by cohort" description="Last 24 hours." className="xl:col-span-2" actions={<Link className="link text-sm" href="/cohorts">Cohorts</Link>}>
          {o.cohorts.length ? <CohortRatesChart data={o.cohorts} /> : <Empty>No cohorts yet.</Empty>}
        </Panel>

        <Panel title="Busiest agents" description="Last 24 hours." className="xl:col-span-3" flush>
          <Table label="Busiest agents" head={["Agent", "Cohort", "Decisions", "Mix", "Denied", "Escalated"]} empty={o.busiestAgents.length === 0 ? <Empty>No decisions in the last 24 hours.</Empty> : null}>
            {o.busiestAgents.map((a) => (
              <tr key={a.id} data-testid="busy-agent">
                <Td>
                  <Link className="link whitespace-nowrap font-mono" href={`/agents/${a.id}`}>{a.name}</Link> {a.halted && <StatusBadge status="halted" />}
                </Td>
                <Td>{a.cohort}</Td>
                <Td className="tabular-nums">{num(a.total)}</Td>
                <Td className="w-40"><MixBar allowed={a.allowed} denied={a.denied} escalated={a.escalated} max={busiestMax} /></Td>
                <Td className="tabular-nums">{pct(a.total ? a.denied / a.total : 0)}</Td>
                <Td className="tabular-nums">{pct(a.total ? a.escalated / a.total : 0)}</Td>
              </tr>
            ))}
          </Table>
        </Panel>
        <Panel title="Policies that fired most" description="Last 24 hours; shadow matches counted apart." className="xl:col-span-2" flush>
          {/* Fits its panel at any width: the name column takes what is left and long names wrap
              there (never cut: policies often share a long prefix). The effect has a column of its own
              only where the panel is wide (full width, sm to lg); on phones and in the narrow xl column
              it goes under the name. */}
          <Table label="Policies that fired most" head={["Policy", "Effect", "Fired"]} headClassNames={["w-full", "hidden sm:table-cell xl:hidden", "w-28"]} empty={o.topPolicies.length === 0 ? <Empty>No policy matched in the last 24 hours.</Empty> : null}>
            {o.topPolicies.map((p) => {
              const effect = <Badge tone={p.effect === "deny" ? "red" : p.effect === "require_approval" ? "amber" : "gray"}>{p.effect.replace("_", " ")}</Badge>;
              return (
                <tr key={p.policyId}>
                  <Td className="w-full max-w-0">
                    <Link className="link block [overflow-wrap:anywhere]" href={`/policies/${p.policyId}`} title={p.name}>{p.name}</Link>
                    <span className="mt-1 block sm:hidden xl:block">{effect}</span>
                  </Td>
                  <Td className="hidden sm:table-cell xl:hidden">{effect}</Td>
                  <Td className="w-28 tabular-nums">
                    <span className="whitespace-nowrap">{num(p.fired)}</span>
                    {p.shadow > 0 && <span className="block whitespace-nowrap text-xs text-slate-500">+{num(p.shadow)} shadow</span>}
                    <div data-testid="fired-bar" className="mt-1 h-2 w-24 overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800" aria-hidden>
                      <div className="h-full bg-brand-500" style={{ width: `${((p.fired + p.shadow) / policyMax) * 100}%` }} />
                    </div>
                  </Td>
                </tr>
              );
            })}
          </Table>
        </Panel>

        <Panel title="Halted" description="What the kill switch is holding: everything, cohorts, agents." className="xl:col-span-5" flush>
          {haltedCount === 0 ? (
            <Empty>Nothing is halted.</Empty>
          ) : (
            <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800" aria-label="Halted cohorts and agents">
              {o.halted.global && (
                <li className="flex flex-wrap items-center justify-between gap-2 px-4 py-2">
                  <span><Badge tone="red" dot>global</Badge> <strong className="font-semibold">everything</strong></span>
                  <span className="text-xs text-slate-500 dark:text-slate-400">{o.halted.global.reason} · for {age(o.halted.global.at, o.generatedAt)}</span>
                </li>
              )}
              {o.halted.cohorts.map((c) => (
                <li key={`c-${c.name}`} className="flex flex-wrap items-center justify-between gap-2 px-4 py-2">
                  <span><Badge tone="red" dot>cohort</Badge> <Link className="link" href="/cohorts">{c.name}</Link></span>
                  <span className="text-xs text-slate-500 dark:text-slate-400">{c.reason} · for {age(c.at, o.generatedAt)}</span>
                </li>
              ))}
              {o.halted.agents.map((a) => (
                <li key={`a-${a.id}`} className="flex flex-wrap items-center justify-between gap-2 px-4 py-2">
                  <span><Badge tone="red" dot>agent</Badge> <Link className="link font-mono" href={`/agents/${a.id}`}>{a.name}</Link> <span className="text-xs text-slate-500">({a.cohort})</span></span>
                  <span className="text-xs text-slate-500 dark:text-slate-400">{a.reason} · for {age(a.at, o.generatedAt)}</span>
                </li>
              ))}
            </ul>
          )}
        </Panel>
      </div>
    </>
  );
}
