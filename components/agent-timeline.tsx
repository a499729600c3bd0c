"use client";

import { useInfiniteQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import type { ActionView } from "@/lib/decisions/index.ts";
import { api, messageOf } from "./api.ts";
import { Reasons } from "./reasons.tsx";
import { Badge, StatusBadge } from "./ui/badge.tsx";
import { Button } from "./ui/button.tsx";
import { LoadMore } from "./ui/load-more.tsx";
import { ErrorText, Field, inputClass } from "./ui/field.tsx";
import { Empty } from "./ui/table.tsx";
import { Time } from "./ui/time.tsx";

type Page = { actions: ActionView[]; nextCursor: string | null };
type Filter = Partial<Record<"status" | "action" | "result" | "flagged" | "from" | "to" | "value", string>>;

const STATUSES = ["allowed", "denied", "pending", "approved", "rejected", "expired"];
/** datetime-local has no zone; times here are UTC. */
const asUtc = (v: string) => (/^\d{4}-\d\d-\d\dT\d\d:\d\d$/.test(v) ? `${v}:00Z` : v);
type Flag = { policyName?: string; message: string; shadow?: boolean };

/**
 * An agent's actions, newest first: decision and reasons, votes, result and post-check flags,
 * each linking to its whole story. Filters go to GET /api/actions; "Load more" follows the
 * keyset cursor. The server renders the unfiltered first page.
 */
export function AgentTimeline({ agentId, first, actionNames }: { agentId: string; first: Page; actionNames: string[] }) {
  const [filter, setFilter] = useState<Filter>({});
  const filtered = Object.keys(filter).length > 0;
  const q = useInfiniteQuery({
    queryKey: ["timeline", agentId, filter, first.actions[0]?.id ?? ""],
    queryFn: ({ pageParam }) => api<Page>(`/api/actions?${new URLSearchParams({ agent: agentId, ...filter, limit: "25", ...(pageParam ? { cursor: pageParam } : {}) })}`),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
    ...(filtered ? {} : { initialData: { pages: [first], pageParams: [null] } }),
    // Back to "no filter" after a while shows what arrived since, not the first render.
    staleTime: 10_000,
  });

  function apply(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const next: Filter = {};
    for (const [k, v] of new FormData(e.currentTarget)) {
      if (typeof v !== "string" || !v.trim()) continue;
      next[k as keyof Filter] = k === "from" || k === "to" ? asUtc(v.trim()) : k === "flagged" ? "true" : v.trim();
    }
    setFilter(next);
  }

  const actions = q.data?.pages.flatMap((p) => p.actions) ?? [];
  return (
    <div>
      <form role="search" aria-label="Filter actions" onSubmit={apply} onReset={() => setFilter({})} className="grid gap-3 border-b border-slate-200 p-4 sm:grid-cols-2 lg:grid-cols-4 dark:border-slate-800">
        <Field label="Decision">
          <select name="status" className={inputClass} defaultValue="">
            <option value="">Any</option>
            {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </Field>
        <Field label="Action">
          <select name="action" className={inputClass} defaultValue="">
            <option value="">Any</option>
            {actionNames.map((a) => <option key={a} value={a}>{a}</option>)}
          </select>
        </Field>
        <Field label="Result">
          <select name="result" className={inputClass} defaultValue="">
            <option value="">Any</option>
            <option value="succeeded">succeeded</option>
            <option value="failed">failed</option>
            <option value="none">none reported</option>
          </select>
        </Field>
        <Field label="Holding a value" hint="An e-mail, phone, card… found through its redaction marker.">
          <input name="value" className={inputClass} placeholder="e.g. jane@example.com" autoComplete="off" />
        </Field>
        <Field label="From (UTC)">
          <input name="from" type="datetime-local" className={inputClass} />
        </Field>
        <Field label="To (UTC)">
          <input name="to" type="datetime-local" className={inputClass} />
        </Field>
        <label className="flex items-center gap-2 self-end pb-2 text-sm">
          <input name="flagged" type="checkbox" className="h-4 w-4 rounded border-slate-300" /> Flagged by a post-check
        </label>
        <div className="flex items-end gap-2 pb-0.5">
          <Button type="submit">Filter</Button>
          {filtered && <Button type="reset" variant="ghost">Clear</Button>}
        </div>
      </form>
      {q.error && !q.isFetchingNextPage && <div className="p-4"><ErrorText error={messageOf(q.error)} /></div>}
      {q.isPending ? (
        <p className="px-4 py-8 text-center text-sm text-slate-500">Loading…</p>
      ) : q.isError && actions.length === 0 ? null : actions.length === 0 ? (
        <Empty>{filtered ? "No action matches these filters." : "This agent has not asked for anything yet."}</Empty>
      ) : (
        <ol aria-label="Action timeline" className="divide-y divide-slate-100 dark:divide-slate-800">
          {actions.map((a) => (
            <TimelineEntry key={a.id} a={a} />
          ))}
        </ol>
      )}
      <LoadMore q={q} shown={actions.length} noun="action" />
    </div>
  );
}

function TimelineEntry({ a }: { a: ActionView }) {
  const flags = (Array.isArray(a.flags) ? (a.flags as Flag[]) : []).filter((f) => !f.shadow);
  return (
    <li data-testid="action-row" className="grid gap-2 px-4 py-3 text-sm sm:grid-cols-[10rem_1fr_auto]">
      <div className="text-xs"><Time iso={a.createdAt} /></div>
      <div className="min-w-0 space-y-1">
        <div className="flex flex-wrap items-center gap-2">
          <Link className="link font-mono" href={`/actions/${a.id}`}>{a.action}</Link>
          {a.resource && <span className="truncate font-mono text-xs text-slate-500 dark:text-slate-400">{a.resource}</span>}
        </div>
        <Reasons reasons={a.reasons} shadow={a.shadow} />
        {a.approvals.length > 0 && (
          <ul className="flex flex-wrap gap-1.5 text-xs" aria-label="Votes">
            {a.approvals.map((v) => (
              <li key={v.userId}>
                <Badge tone={v.vote === "approve" ? "green" : "red"}>{v.vote === "approve" ? "approved" : "rejected"} by {v.name}</Badge>
              </li>
            ))}
          </ul>
        )}
        {flags.map((f, i) => (
          <p key={i} className="text-xs text-red-700 dark:text-red-300">
            <Badge tone="red">flagged</Badge> {f.policyName ? `${f.policyName}: ` : ""}{f.message}
          </p>
        ))}
      </div>
      <div className="flex items-start gap-2 sm:justify-end">
        <StatusBadge status={a.status} />
        {a.result && <StatusBadge status={a.result.status} />}
      </div>
    </li>
  );
}
