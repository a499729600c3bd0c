"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useEffect, useRef, useState } from "react";
import type { ApprovalItem } from "@/lib/approvals/index.ts";
import { api, messageOf } from "./api.ts";
import { Badge, statusTone } from "./ui/badge.tsx";
import { Button } from "./ui/button.tsx";
import { ErrorText, inputClass } from "./ui/field.tsx";
import { useApiMutation } from "./use-api-mutation.ts";

const money = (v: unknown, currency: unknown) =>
  typeof v === "number" ? new Intl.NumberFormat("en-GB", { style: "currency", currency: typeof currency === "string" && /^[A-Z]{3}$/.test(currency) ? currency : "EUR" }).format(v) : String(v);

function left(expiresAt: string | null, now: number): string {
  if (!expiresAt) return "no expiry";
  const s = Math.max(0, Math.round((Date.parse(expiresAt) - now) / 1000));
  if (s === 0) return "expiring";
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  return h ? `${h} h ${m} min left` : m ? `${m} min ${s % 60} s left` : `${s} s left`;
}

/** The change an approver is asked to allow, readably: old → new where the input says both. */
export function ChangeSummary({ input }: { input: Record<string, unknown> }) {
  const price = input.price;
  const current = input.currentPrice;
  if (typeof price === "number" && typeof current === "number" && current > 0) {
    const pct = ((price - current) / current) * 100;
    return (
      <p className="text-sm" data-testid="price-diff">
        Price <span className="font-mono line-through decoration-red-500">{money(current, input.currency)}</span> → <span className="font-mono font-semibold">{money(price, input.currency)}</span>{" "}
        <span className={`rounded px-1.5 py-0.5 text-xs font-semibold ${pct < -30 ? "bg-red-100 text-red-800 dark:bg-red-500/20 dark:text-red-200" : "bg-slate-100 dark:bg-slate-800"}`}>
          {pct > 0 ? "+" : ""}
          {pct.toFixed(1)} %
        </span>
      </p>
    );
  }
  const facts: string[] = [];
  if (typeof input.units === "number") facts.push(`${input.units.toLocaleString("en-GB")} units${typeof input.unitCost === "number" ? ` × ${money(input.unitCost, input.currency)} = ${money(input.units * input.unitCost, input.currency)}` : ""}`);
  if (typeof input.amount === "number") facts.push(`${money(input.amount, input.currency)}${typeof input.reason === "string" ? ` (${input.reason})` : ""}`);
  return facts.length ? <p className="text-sm font-medium">{facts.join(" · ")}</p> : null;
}

function ApprovalCard({ item, selected, canDecide, now, onSelect }: { item: ApprovalItem; selected: boolean; canDecide: boolean; now: number; onSelect: () => void }) {
  const [confirm, setConfirm] = useState<"approve" | "reject" | null>(null);
  const [comment, setComment] = useState("");
  const ref = useRef<HTMLElement>(null);
  const m = useApiMutation((decision: "approve" | "reject") => api(`/api/approvals/${item.actionId}`, { body: { decision, ...(comment ? { comment } : {}) } }), () => setConfirm(null));
  useEffect(() => {
    if (!selected || !canDecide) return;
    ref.current?.scrollIntoView({ block: "nearest" });
    const onKey = (e: KeyboardEvent) => {
      if (e.target instanceof HTMLTextAreaElement || e.target instanceof HTMLInputElement || e.metaKey || e.ctrlKey) return;
      if (e.key === "a") setConfirm("approve");
      else if (e.key === "r") setConfirm("reject");
      else if (e.key === "Enter" && confirm) m.mutate(confirm);
      else if (e.key === "Escape") setConfirm(null);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [selected, canDecide, confirm, m]);
  const approvals = item.votes.filter((v) => v.vote === "approve").length;
  return (
    <article
      ref={ref}
      data-testid="approval-card"
      aria-label={`${item.agent.name} ${item.action}`}
      onClick={onSelect}
      className={`rounded-xl border bg-white p-4 shadow-sm dark:bg-slate-900 ${selected ? "border-brand-500 ring-2 ring-brand-500/30" : "border-slate-200 dark:border-slate-800"}`}
    >
      <div className="flex flex-wrap items-start justify-between gap-3">
        <div>
          <p className="text-sm">
            <Link href={`/agents/${item.agent.id}`} className="link">{item.agent.name}</Link>{" "}
            <span className="text-slate-500">· {item.agent.cohort} · owner {item.agent.owner}</span>
          </p>
          <p className="mt-0.5 font-mono text-sm">
            {item.action} <span className="text-slate-500">{item.resource}</span>
          </p>
        </div>
        <div className="text-right text-xs text-slate-500">
          <div className="font-medium text-amber-700 dark:text-amber-300" data-testid="time-left">{left(item.expiresAt, now)}</div>
          <div>
            {approvals} of {item.quorum} approval{item.quorum > 1 ? "s" : ""}
          </div>
        </div>
      </div>
      <div className="mt-3 space-y-2">
        <ChangeSummary input={item.input} />
        <ul className="text-sm">
          {item.reasons.filter((r) => r.effect === "require_approval").map((r, i) => (
            <li key={i}>
              <Badge tone="amber">{r.policyName}</Badge> {r.message}
            </li>
          ))}
        </ul>
        {item.votes.length > 0 && (
          <ul className="text-xs text-slate-600 dark:text-slate-300">
            {item.votes.map((v) => (
              <li key={v.userId}>
                {v.vote === "approve" ? "✓" : "✗"} {v.name} ({v.email}){v.comment ? ` — “${v.comment}”` : ""}
              </li>
            ))}
          </ul>
        )}
        <details className="text-xs">
          <summary className="cursor-pointer text-slate-500">Full input</summary>
          <pre className="mt-1 overflow-x-auto rounded bg-slate-50 p-2 font-mono dark:bg-slate-950">{JSON.stringify({ input: item.input, context: item.context }, null, 2)}</pre>
        </details>
      </div>
      {canDecide && (
        <div className="mt-3 flex flex-wrap items-end gap-2 border-t border-slate-100 pt-3 dark:border-slate-800">
          <textarea aria-label="Comment" rows={1} maxLength={2000} value={comment} onChange={(e) => setComment(e.target.value)} placeholder="Comment (optional)" className={`${inputClass} min-w-[14rem] flex-1`} />
          {confirm ? (
            <>
              <Button variant={confirm === "approve" ? "primary" : "danger"} disabled={m.isPending} onClick={() => m.mutate(confirm)}>
                Confirm {confirm}
              </Button>
              <Button variant="ghost" onClick={() => setConfirm(null)}>Cancel</Button>
            </>
          ) : (
            <>
              <Button onClick={() => setConfirm("approve")}>Approve</Button>
              <Button variant="danger" onClick={() => setConfirm("reject")}>Reject</Button>
            </>
          )}
          <div className="w-full"><ErrorText error={m.errorMessage} /></div>
        </div>
      )}
    </article>
  );
}

function History({ filters }: { filters: string }) {
  const q = useQuery({ queryKey: ["approvals", "decided", filters], queryFn: () => api<{ approvals: ApprovalItem[] }>(`/api/approvals?status=decided&${filters}`), refetchInterval: 3000 });
  if (q.error) return <ErrorText error={messageOf(q.error)} />;
  return (
    <ul className="divide-y divide-slate-100 rounded-xl border border-slate-200 bg-white dark:divide-slate-800 dark:border-slate-800 dark:bg-slate-900" data-testid="approval-history">
      {(q.data?.approvals ?? []).map((h) => (
        <li key={h.actionId} className="flex flex-wrap items-center gap-3 px-4 py-3 text-sm">
          <Badge tone={statusTone(h.status)}>{h.status}</Badge>
          <span className="font-medium">{h.agent.name}</span>
          <span className="font-mono text-xs">{h.action} {h.resource}</span>
          <span className="text-xs text-slate-500">
            {h.votes.map((v) => `${v.vote === "approve" ? "approved" : "rejected"} by ${v.email}${v.comment ? ` (“${v.comment}”)` : ""}`).join("; ") || "no vote (timed out)"}
          </span>
          <span className="ml-auto text-xs text-slate-500">agent waited {h.waitedMs !== null ? `${(h.waitedMs / 1000).toFixed(1)} s` : "—"}</span>
        </li>
      ))}
      {q.data?.approvals.length === 0 && <li className="px-4 py-6 text-center text-sm text-slate-500">Nothing decided yet.</li>}
    </ul>
  );
}

export function ApprovalQueue({ canDecide, cohorts }: { canDecide: boolean; cohorts: string[] }) {
  const [tab, setTab] = useState<"pending" | "decided">("pending");
  const [cohort, setCohort] = useState("");
  const [agent, setAgent] = useState("");
  const [policy, setPolicy] = useState("");
  const [selected, setSelected] = useState(0);
  const [now, setNow] = useState(() => Date.now());
  const filters = new URLSearchParams(Object.entries({ cohort, agent, policy }).filter(([, v]) => v)).toString();
  const q = useQuery({ queryKey: ["approvals", "pending", filters], queryFn: () => api<{ approvals: ApprovalItem[] }>(`/api/approvals?status=pending&${filters}`), refetchInterval: 1000 });
  const items = q.data?.approvals ?? [];
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

  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-2">
        <div role="tablist" className="flex rounded-lg border border-slate-200 p-0.5 dark:border-slate-800">
          {(["pending", "decided"] as const).map((t) => (
            <button key={t} role="tab" aria-selected={tab === t} onClick={() => setTab(t)} className={`rounded-md px-3 py-1 text-sm ${tab === t ? "bg-brand-600 text-white" : "text-slate-600 dark:text-slate-300"}`}>
              {t === "pending" ? `Waiting (${items.length})` : "History"}
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
      {tab === "decided" ? (
        <History filters={filters} />
      ) : (
        <>
          {q.error && <ErrorText error={messageOf(q.error)} />}
          {items.length === 0 && !q.isLoading && <p className="rounded-xl border border-dashed border-slate-300 py-12 text-center text-sm text-slate-500 dark:border-slate-700">Nothing is waiting for a human.</p>}
          <div className="space-y-3">
            {items.map((item, i) => (
              <ApprovalCard key={item.actionId} item={item} selected={i === selected} canDecide={canDecide} now={now} onSelect={() => setSelected(i)} />
            ))}
          </div>
        </>
      )}
    </div>
  );
}
