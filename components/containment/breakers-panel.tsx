"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { BreakerView } from "@/lib/breakers/index.ts";
import { api, messageOf } from "../api.ts";
import { Badge, StatusBadge } from "../ui/badge.tsx";
import { Button } from "../ui/button.tsx";
import { ErrorText, inputClass } from "../ui/field.tsx";
import { Empty, Table, Td } from "../ui/table.tsx";
import { Time } from "../ui/time.tsx";
import { count } from "../ui/count.ts";
import { useApiMutation } from "../use-api-mutation.ts";
import { BreakerChart } from "./breaker-chart.tsx";

const RATES = new Set(["deny_rate", "escalation_rate", "rejection_rate", "flag_rate", "failure_rate"]);
const LABELS: Record<string, string> = {
  deny_rate: "deny rate",
  escalation_rate: "escalation rate",
  rejection_rate: "rejection rate",
  flag_rate: "flag rate",
  failure_rate: "failure rate",
  action_rate: "actions",
  distinct_resources: "distinct resources",
};
const fmt = (metric: string, v: number | null) => (v === null ? "—" : RATES.has(metric) ? `${Math.round(v * 1000) / 10}%` : v.toLocaleString("en-GB"));
const windowText = (s: number) => (s % 3600 === 0 ? `${s / 3600} h` : s % 60 === 0 ? `${s / 60} min` : `${s} s`);

function ResetForm({ b, onDone }: { b: BreakerView; onDone: () => void }) {
  const [reason, setReason] = useState("");
  const m = useApiMutation((body: { reason: string }) => api(`/api/breakers/${b.id}/reset`, { body }), onDone);
  return (
    <form
      aria-label={`Reset ${b.name}`}
      className="mt-2 flex flex-col gap-2 rounded-md border border-slate-200 bg-slate-50 p-2 dark:border-slate-700 dark:bg-slate-800/50"
      onSubmit={(e) => {
        e.preventDefault();
        m.mutate({ reason });
      }}
    >
      <input aria-label="Reset reason" className={inputClass} value={reason} onChange={(e) => setReason(e.target.value)} required minLength={3} placeholder="Why is it safe again? (audited)" autoFocus />
      <ErrorText error={m.errorMessage} />
      <div className="flex gap-2">
        <Button type="submit" disabled={m.isPending}>Confirm reset</Button>
        <Button variant="ghost" onClick={onDone}>Cancel</Button>
      </div>
    </form>
  );
}

/** Breakers with their state, the metric now against the threshold (and its chart), and reset with a reason. Refreshed every 5 s. */
export function BreakersPanel({ initial, query = "", canManage }: { initial: BreakerView[]; query?: string; canManage: boolean }) {
  const q = useQuery({ queryKey: ["breakers", query], queryFn: () => api<BreakerView[]>(`/api/breakers${query}`), initialData: initial, refetchInterval: 5000 });
  const [resetting, setResetting] = useState<string | null>(null);
  const remove = useApiMutation((id: string) => api(`/api/breakers/${id}`, { method: "DELETE" }), () => void q.refetch());
  const list = q.data;
  return (
    <div>
      {q.isError && <p className="px-4 py-2 text-xs text-red-600">Not refreshing: {messageOf(q.error)}</p>}
      <Table label="Breakers" stack head={["Breaker", "Watches", "Metric", "State", "Now vs threshold", ""]} empty={list.length === 0 ? <Empty>No breakers yet.</Empty> : null}>
        {list.map((b) => (
          <tr key={b.id} data-testid={`breaker-${b.name}`} className={b.state !== "closed" ? "bg-red-50/50 dark:bg-red-500/5" : undefined}>
            <Td>
              <div className="font-medium">{b.name}</div>
              {b.description && <div className="max-w-xs truncate text-xs text-slate-500">{b.description}</div>}
              <div className="text-xs text-slate-500">
                {b.recovery.mode === "manual" ? "manual reset" : `half-open after ${b.recovery.cooldownSeconds} s, ${b.recovery.probes} probes`}
                {b.openOnAnomaly && " · opens on unusual access"}
              </div>
            </Td>
            <Td>
              {"agent" in b.scope ? (
                <Link className="link font-mono" href={`/agents/${b.scope.agent}`}>{b.scopeName}</Link>
              ) : (
                <span>cohort {b.scopeName}</span>
              )}
              <div className="text-xs text-slate-500">opens the {b.opens}</div>
            </Td>
            <Td>
              {LABELS[b.metric] ?? b.metric}
              <div className="text-xs text-slate-500">over {windowText(b.windowSeconds)}, ≥ {count(b.minSamples, "sample")}</div>
            </Td>
            <Td>
              <StatusBadge status={b.state} />
              {b.state !== "closed" && b.holds && (
                <div className="mt-1 max-w-xs text-xs text-red-700 dark:text-red-300" data-testid="breaker-held">
                  holds {b.holds.kind} {b.holds.name} since <Time iso={b.openedAt} />
                  {b.openedBecause && <div>{b.openedBecause.message}</div>}
                  {b.state === "half_open" && <div>{b.probesAdmitted} of {b.recovery.mode === "half_open" ? b.recovery.probes : 0} probes let through</div>}
                </div>
              )}
            </Td>
            <Td>
              <div className="flex items-center gap-3">
                <span className="whitespace-nowrap tabular-nums" data-testid="breaker-value">
                  {fmt(b.metric, b.value)} <span className="text-xs text-slate-500">/ {fmt(b.metric, b.threshold)}</span>
                  <div className="text-xs text-slate-500">{count(b.samples ?? 0, "sample")}</div>
                </span>
                <BreakerChart id={b.id} threshold={b.threshold} rate={RATES.has(b.metric)} label={LABELS[b.metric] ?? b.metric} />
              </div>
            </Td>
            <Td className="text-right">
              {canManage && b.state !== "closed" && resetting !== b.id && (
                <Button variant="secondary" onClick={() => setResetting(b.id)} aria-label={`Reset ${b.name}`}>
                  Reset
                </Button>
              )}
              {canManage && b.state === "closed" && (
                <Button variant="ghost-danger" onClick={() => remove.mutate(b.id)} aria-label={`Remove ${b.name}`}>
                  Remove
                </Button>
              )}
              {resetting === b.id && (
                <ResetForm
                  b={b}
                  onDone={() => {
                    setResetting(null);
                    void q.refetch();
                  }}
                />
              )}
            </Td>
          </tr>
        ))}
      </Table>
      {remove.errorMessage && <div className="px-4 pb-3"><ErrorText error={remove.errorMessage} /></div>}
      {list.some((b) => b.state !== "closed") && (
        <p className="px-4 pb-3 text-xs text-slate-500">
          <Badge tone="red" dot>open</Badge> denies what it holds with <code>circuit_open</code> and rejected its pending actions; <Badge tone="amber" dot>half_open</Badge> lets its probes through.
        </p>
      )}
    </div>
  );
}
