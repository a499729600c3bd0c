"use client";

import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { CohortRates, MinuteBucket } from "@/lib/overview/index.ts";
import { pct } from "../ui/format.ts";
import { count } from "../ui/count.ts";

// Colours come from CSS variables (app/globals.css) so both themes read well.
export const SERIES = [
  { key: "allowed", label: "Allowed", color: "var(--chart-allowed)" },
  { key: "denied", label: "Denied", color: "var(--chart-denied)" },
  { key: "escalated", label: "Needed a human", color: "var(--chart-escalated)" },
] as const;

const axis = { stroke: "var(--chart-axis)", tick: { fill: "var(--chart-axis)", fontSize: 11 }, tickLine: false } as const;
const tooltip = {
  contentStyle: { background: "var(--chart-tooltip-bg)", border: "1px solid var(--chart-tooltip-border)", borderRadius: 8, color: "var(--chart-tooltip-text)", fontSize: 12 },
  labelStyle: { color: "var(--chart-tooltip-text)", fontWeight: 600 },
  cursor: { fill: "var(--chart-cursor)" },
} as const;

const hhmm = (iso: string) => iso.slice(11, 16);

/** Decisions per minute over the last hour, stacked by outcome (UTC minutes). */
export function DecisionsChart({ data }: { data: MinuteBucket[] }) {
  const total = data.reduce((n, d) => n + d.allowed + d.denied + d.escalated, 0);
  return (
    <figure data-testid="decisions-chart" data-total={total} aria-label={`Decisions per minute, last hour: ${total} in all`} className="h-64 w-full">
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={data} margin={{ top: 8, right: 8, bottom: 0, left: -16 }} barCategoryGap={1}>
          <CartesianGrid vertical={false} stroke="var(--chart-grid)" />
          <XAxis dataKey="minute" tickFormatter={hhmm} interval={9} {...axis} />
          <YAxis allowDecimals={false} axisLine={false} {...axis} />
          <Tooltip labelFormatter={(l) => `${hhmm(String(l))} UTC`} {...tooltip} />
          <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12, color: "var(--chart-axis)" }} />
          {SERIES.map((s) => (
            <Bar key={s.key} dataKey={s.key} name={s.label} stackId="decisions" fill={s.color} isAnimationActive={false} />
          ))}
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}


/** Deny and escalation rates per cohort over the last 24 hours. */
export function CohortRatesChart({ data }: { data: CohortRates[] }) {
  const rows = data.map((c) => ({ cohort: c.cohort, deny: c.denyRate, escalation: c.escalationRate, total: c.total }));
  return (
    <figure data-testid="cohort-rates-chart" aria-label="Deny and escalation rates per cohort, last 24 hours" className="w-full" style={{ height: Math.max(160, 48 * rows.length + 56) }}>
      <ResponsiveContainer width="100%" height="100%">
        <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 8 }} barGap={2}>
          <CartesianGrid horizontal={false} stroke="var(--chart-grid)" />
          <XAxis type="number" tickFormatter={pct} domain={[0, (max: number) => Math.min(1, Math.max(0.1, max * 1.15))]} {...axis} />
          <YAxis type="category" dataKey="cohort" width={110} axisLine={false} {...axis} />
          <Tooltip formatter={(v, name) => [pct(Number(v)), name]} labelFormatter={(l, p) => `${String(l)} · ${count((p[0]?.payload as { total?: number } | undefined)?.total ?? 0, "decision")}`} {...tooltip} />
          <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 12, color: "var(--chart-axis)" }} />
          <Bar dataKey="deny" name="Deny rate" fill="var(--chart-denied)" radius={[0, 3, 3, 0]} isAnimationActive={false} />
          <Bar dataKey="escalation" name="Escalation rate" fill="var(--chart-escalated)" radius={[0, 3, 3, 0]} isAnimationActive={false} />
        </BarChart>
      </ResponsiveContainer>
    </figure>
  );
}

/** A thin stacked bar of one mix, for table rows. */
export function MixBar({ allowed, denied, escalated, max }: { allowed: number; denied: number; escalated: number; max: number }) {
  const w = (n: number) => `${max ? (n / max) * 100 : 0}%`;
  return (
    <div className="flex h-2 w-full min-w-24 overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800" aria-hidden>
      <div style={{ width: w(allowed), background: "var(--chart-allowed)" }} />
      <div style={{ width: w(denied), background: "var(--chart-denied)" }} />
      <div style={{ width: w(escalated), background: "var(--chart-escalated)" }} />
    </div>
  );
}
