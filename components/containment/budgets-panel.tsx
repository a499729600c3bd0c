"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { BudgetView } from "@/lib/budgets/index.ts";
import { api, messageOf } from "../api.ts";
import { Badge } from "../ui/badge.tsx";
import { Button } from "../ui/button.tsx";
import { ErrorText } from "../ui/field.tsx";
import { Empty } from "../ui/table.tsx";
import { useApiMutation } from "../use-api-mutation.ts";

const n = (v: number) => v.toLocaleString("en-GB", { maximumFractionDigits: 2 });

function windowText(b: BudgetView): string {
  if ("seconds" in b.window) {
    const s = b.window.seconds;
    return `rolling ${s % 3600 === 0 ? `${s / 3600} h` : s % 60 === 0 ? `${s / 60} min` : `${s} s`}`;
  }
  return `per ${b.window.calendar} (${b.window.timeZone})`;
}

/** Used (solid), reserved by pending actions (striped) and what remains of the limit. */
export function UsageBar({ b }: { b: BudgetView }) {
  const u = b.usage ?? { used: 0, reserved: 0, remaining: b.limit, windowStart: "", windowEnd: "" };
  const share = (v: number) => `${Math.min(100, (v / b.limit) * 100)}%`;
  const full = u.remaining <= 0;
  return (
    <div>
      <div
        className="flex h-2.5 w-full overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800"
        role="meter"
        aria-label={`${b.name} usage`}
        aria-valuemin={0}
        aria-valuemax={b.limit}
        aria-valuenow={u.used + u.reserved}
        aria-valuetext={`${n(u.used)} used, ${n(u.reserved)} reserved of ${n(b.limit)} ${b.unit}`}
      >
        <div className={full ? "bg-red-500" : "bg-brand-500"} style={{ width: share(u.used) }} />
        <div className="bg-amber-400 [background-image:repeating-linear-gradient(45deg,transparent,transparent_3px,rgba(255,255,255,.45)_3px,rgba(255,255,255,.45)_6px)]" style={{ width: share(u.reserved) }} />
      </div>
      <div className="mt-1 flex flex-wrap justify-between gap-2 text-xs text-slate-500 dark:text-slate-400" data-testid="budget-usage">
        <span>
          <strong className="text-slate-800 dark:text-slate-200">{n(u.used)}</strong> used · {n(u.reserved)} reserved · {n(b.limit)} {b.unit}
        </span>
        <span>{full ? "exhausted" : `${n(u.remaining)} left`}</span>
      </div>
    </div>
  );
}

/** Budgets with their usage now; refreshed every 5 s. */
export function BudgetsPanel({ initial, query = "", canManage }: { initial: BudgetView[]; query?: string; canManage: boolean }) {
  const q = useQuery({ queryKey: ["budgets", query], queryFn: () => api<BudgetView[]>(`/api/budgets${query}`), initialData: initial, refetchInterval: 5000 });
  const remove = useApiMutation((id: string) => api(`/api/budgets/${id}`, { method: "DELETE" }), () => void q.refetch());
  if (q.data.length === 0) return <Empty>No budgets yet.</Empty>;
  return (
    <div>
      {q.isError && <p className="px-4 py-2 text-xs text-red-600">Not refreshing: {messageOf(q.error)}</p>}
      <ul className="divide-y divide-slate-100 dark:divide-slate-800" aria-label="Budgets">
        {q.data.map((b) => (
          <li key={b.id} className="px-4 py-3 text-sm" data-testid={`budget-${b.name}`}>
            <div className="mb-1.5 flex flex-wrap items-center justify-between gap-2">
              <span className="flex flex-wrap items-center gap-2">
                <span className="font-medium">{b.name}</span>
                <Badge tone={b.onExceed === "deny" ? "red" : "amber"}>{b.onExceed === "deny" ? "denies" : "asks a human"} when exceeded</Badge>
              </span>
              <span className="text-xs text-slate-500 dark:text-slate-400">
                {"agent" in b.scope ? <Link className="link" href={`/agents/${b.scope.agent}`}>{b.scopeName}</Link> : `cohort ${b.scopeName}`} · {b.actions.join(", ")} ·{" "}
                <code>{b.distinct ? "distinct resources" : b.amount}</code> · {windowText(b)}
                {canManage && (
                  <Button variant="ghost-danger" className="ml-1 min-h-0 px-1.5 py-0.5 text-xs" onClick={() => remove.mutate(b.id)} aria-label={`Remove ${b.name}`}>
                    Remove
                  </Button>
                )}
              </span>
            </div>
            <UsageBar b={b} />
          </li>
        ))}
      </ul>
      {remove.errorMessage && <div className="px-4 pb-3"><ErrorText error={remove.errorMessage} /></div>}
    </div>
  );
}
