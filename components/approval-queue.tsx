"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import type { ApprovalCounts, ApprovalItem } from "@/lib/approvals/index.ts";
import { api, messageOf } from "./api.ts";
import { ApprovalCard } from "./approvals/approval-card.tsx";
import { BulkBar, groupKey } from "./approvals/bulk-bar.tsx";
import { Badge, statusTone } from "./ui/badge.tsx";
import { ErrorText, inputClass } from "./ui/field.tsx";
import { LoadMore } from "./ui/load-more.tsx";
import { Time } from "./ui/time.tsx";

export { ChangeSummary } from "./approvals/approval-card.tsx";

type Page = { approvals: ApprovalItem[]; nextCursor: string | null; total?: number; counts?: ApprovalCounts };

/** A keyset-paged list of approvals (`nextCursor`), live: every loaded page is refetched. */
function useApprovalPages(key: unknown[], query: string, refetchInterval: number) {
  return useInfiniteQuery({
    queryKey: ["approvals", ...key],
    queryFn: ({ pageParam }) => api<Page>(`/api/approvals?${query}${pageParam ? `&cursor=${encodeURIComponent(pageParam)}` : ""}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    refetchInterval,
  });
}

/** Decided approvals, newest first: how each ended (one label per ending), when, by whom, and a link to the action. */
function History({ filters }: { filters: string }) {
  const q = useApprovalPages(["decided", filters], `status=decided&${filters}`, 3000);
  const rows = q.data?.pages.flatMap((p) => p.approvals) ?? [];
  if (q.error && !q.data) return <ErrorText error={messageOf(q.error)} />;
  return (
    <div className="rounded-xl border border-slate-200 bg-white dark:border-slate-800 dark:bg-slate-900">
      <ul className="divide-y divide-slate-100 dark:divide-slate-800" data-testid="approval-history">
        {rows.map((h) => (
          <li key={h.actionId} data-testid="history-row" className="flex flex-wrap items-center gap-3 px-4 py-3 text-sm">
            <Badge tone={statusTone(h.status)}>{h.outcome?.label ?? h.status}</Badge>
            <span className="font-medium">{h.agent.name}</span>
            <Link href={`/actions/${h.actionId}`} className="link font-mono text-xs" aria-label={`Action ${h.action} ${h.resource}`}>
              {h.action} {h.resource}
            </Link>
            <span className="text-xs text-slate-500">
              {h.votes.map((v) => `${v.vote === "approve" ? "approved" : "rejected"} by ${v.email}${v.override ? " (override)" : ""}${v.comment ? ` (“${v.comment}”)` : ""}`).join("; ") || "no votes"}
              {h.changes.length ? ` · with changes: ${h.changes.map((c) => `${c.path.replace(/^input\./, "")} ${String(c.from)} → ${String(c.to)}`).join(", ")}` : ""}
            </span>
            <span className="ml-auto text-xs text-slate-500">
              decided <Time iso={h.decidedAt} /> · agent waited {h.waitedMs !== null ? `${(h.waitedMs / 1000).toFixed(1)} s` : "—"}
            </span>
          </li>
        ))}
        {q.isSuccess && rows.length === 0 && <li className="px-4 py-6 text-center text-sm text-slate-500">Nothing decided yet.</li>}
      </ul>
      {rows.length > 0 && <LoadMore q={q} shown={rows.length} noun="decision" error={q.error ? <ErrorText error={messageOf(q.error)} /> : null} />}
    </div>
  );
}

/**
 * The approval queue. People who approve see "Mine" first: what they can act on now (their
 * teams' current stages), with counts per team; admins also see "All". Similar requests (same
 * agent, action and policies) can be selected and decided together.
 */
export function ApprovalQueue({ canDecide, decideNote = null, isAdmin, cohorts }: { canDecide: boolean; decideNote?: string | null; isAdmin: boolean; cohorts: string[] }) {
  const tabs = [...(canDecide ? (["mine"] as const) : []), ...(isAdmin || !canDecide ? (["all"] as const) : []), "decided" as const];
  const [tab, setTab] = useState<(typeof tabs)[number]>(tabs[0]!);
  const [cohort, setCohort] = useState("");
  const [agent, setAgent] = useState("");
  const [policy, setPolicy] = useState("");
  const [team, setTeam] = useState("");
  const [selected, setSelected] = useState(0);
  const [picked, setPicked] = useState<string[]>([]);
  const [now, setNow] = useState(() => Date.now());
  const filters = new URLSearchParams(Object.entries({ cohort, agent, policy, team }).filter(([, v]) => v)).toString();
  const pendingTab = tab === "decided" ? "mine" : tab;
  const q = useApprovalPages(["pending", pendingTab, filters], `status=pending${pendingTab === "mine" ? "&mine=true" : ""}&${filters}`, 1000);
  const items = useMemo(() => q.data?.pages.flatMap((p) => p.approvals) ?? [], [q.data]);
  const counts = q.data?.pages[0]?.counts;
  const total = q.data?.pages[q.data.pages.length - 1]?.total;
  // What was picked and is still listed (decided ones drop out).
  const pickedItems = items.filter((i) => picked.includes(i.actionId));
  const pickedKey = pickedItems[0] ? groupKey(pickedItems[0]) : null;
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLInputElement || e.target instanceof HTMLSelectElement) return;
      if (e.key === "j") setSelected((s) => Math.min(items.length - 1, s + 1));
      if (e.key === "k") setSelected((s) => Math.max(0, s - 1));
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [items.length]);

  const tabLabel = (t: (typeof tabs)[number]) => (t === "mine" ? `Mine (${counts?.mine ?? (tab === "mine" ? items.length : "…")})` : t === "all" ? `All (${counts?.all ?? "…"})` : "History");
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-2">
        <div role="tablist" aria-label="Queue" className="flex rounded-lg border border-slate-200 p-0.5 dark:border-slate-800">
          {tabs.map((t) => (
            <button key={t} role="tab" aria-selected={tab === t} onClick={() => (setTab(t), setPicked([]))} className={`rounded-md px-3 py-1 text-sm ${tab === t ? "bg-brand-600 text-white" : "text-slate-600 dark:text-slate-300"}`}>
              {tabLabel(t)}
            </button>
          ))}
        </div>
        <select aria-label="Cohort filter" value={cohort} onChange={(e) => setCohort(e.target.value)} className={`${inputClass} max-w-[12rem]`}>
          <option value="">All cohorts</option>
          {cohorts.map((c) => <option key={c} value={c}>{c}</option>)}
        </select>
        <input aria-label="Agent filter" placeholder="agent name" value={agent} onChange={(e) => setAgent(e.target.value)} className={`${inputClass} max-w-[12rem]`} />
        <input aria-label="Policy filter" placeholder="policy name" value={policy} onChange={(e) => setPolicy(e.target.value)} className={`${inputClass} max-w-[12rem]`} />
        {canDecide && <span className="ml-auto text-xs text-slate-500">Keys: j/k move · a approve · r reject · Enter confirm · Esc cancel</span>}
      </div>
      {tab !== "decided" && counts && counts.teams.length > 0 && (
        <div role="group" aria-label="Pending per team" className="flex flex-wrap items-center gap-2 text-xs">
          {counts.teams
            .filter((t) => tab === "all" || t.member)
            .map((t) => {
              const key = t.id ?? "";
              const active = team !== "" && team === key;
              return (
                <button
                  key={key || "any"}
                  data-testid="team-count"
                  aria-pressed={active}
                  disabled={t.id === null}
                  onClick={() => setTeam(active ? "" : key)}
                  className={`rounded-full border px-2.5 py-0.5 ${active ? "border-brand-500 bg-brand-50 dark:bg-brand-500/10" : "border-slate-200 dark:border-slate-700"} ${t.member ? "font-semibold" : ""}`}
                >
                  {t.name} <span className="tabular-nums">{t.pending}</span>
                </button>
              );
            })}
        </div>
      )}
      {tab === "decided" ? (
        <History filters={filters} />
      ) : (
        <>
          {q.error && <ErrorText error={messageOf(q.error)} />}
          {total !== undefined && total > 0 && (
            <p data-testid="queue-shown" className="text-xs text-slate-500">
              Showing {items.length} of {total} {tab === "mine" ? "waiting for you" : "pending"}, oldest first{items.length < total ? " — load more at the end of the list to reach the newest" : ""}.
            </p>
          )}
          {canDecide && <BulkBar items={items} picked={pickedItems} onPick={setPicked} now={now} />}
          {items.length === 0 && !q.isLoading && (
            <p className="rounded-xl border border-dashed border-slate-300 py-12 text-center text-sm text-slate-500 dark:border-slate-700">
              {tab === "mine" ? "Nothing is waiting for you." : "Nothing is waiting for a human."}
            </p>
          )}
          <div className="space-y-3">
            {items.map((item, i) => {
              const key = groupKey(item);
              const similar = items.filter((x) => groupKey(x) === key).length > 1;
              return (
                <ApprovalCard
                  key={item.actionId}
                  item={item}
                  selected={i === selected}
                  canDecide={canDecide}
                  decideNote={decideNote}
                  now={now}
                  onSelect={() => setSelected(i)}
                  bulk={
                    canDecide && similar && (item.you?.canAct ?? false)
                      ? {
                          checked: picked.includes(item.actionId),
                          enabled: pickedKey === null || pickedKey === key,
                          onToggle: () => setPicked((p) => (p.includes(item.actionId) ? p.filter((x) => x !== item.actionId) : [...p, item.actionId])),
                        }
                      : undefined
                  }
                />
              );
            })}
          </div>
          {items.length > 0 && <LoadMore q={q} shown={items.length} noun="pending action" />}
        </>
      )}
    </div>
  );
}
