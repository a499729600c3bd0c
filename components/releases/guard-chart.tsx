"use client";

import { Area, CartesianGrid, ComposedChart, Legend, Line, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { GuardResult } from "@/lib/releases/index.ts";
import { Badge } from "../ui/badge.tsx";
import { pct } from "../ui/format.ts";

export type GuardPoint = { at: string; guards: GuardResult[] };

const axis = { stroke: "var(--chart-axis)", tick: { fill: "var(--chart-axis)", fontSize: 11 }, tickLine: false } as const;
const tooltip = {
  contentStyle: { background: "var(--chart-tooltip-bg)", border: "1px solid var(--chart-tooltip-border)", borderRadius: 8, color: "var(--chart-tooltip-text)", fontSize: 12 },
  labelStyle: { color: "var(--chart-tooltip-text)", fontWeight: 600 },
} as const;

const hhmmss = (iso: string) => iso.slice(11, 19);
const limitOf = (g: GuardResult) => (1 + (g.maxRelativeIncrease ?? 0)) * g.baseline.rate + (g.maxAbsoluteIncrease ?? 0);
export const verdictTone = (v: GuardResult["verdict"]) => (v === "regressed" ? "red" : v === "ok" ? "green" : "gray");

/** "deny rate ≤ baseline × 1.25" — what the guard tolerates, in words. */
export function toleranceText(g: Pick<GuardResult, "maxRelativeIncrease" | "maxAbsoluteIncrease">): string {
  if (g.maxRelativeIncrease !== undefined) return `up to +${pct(g.maxRelativeIncrease)} relative to the baseline`;
  if (g.maxAbsoluteIncrease !== undefined) return `up to +${pct(g.maxAbsoluteIncrease)} (absolute) over the baseline`;
  return "no increase";
}

/**
 * One guard over time: the candidate's and the baseline's rate, the limit the guard tolerates,
 * and the candidate's always-valid interval around that limit (the test rolls back when the
 * interval's lower end crosses above the limit).
 */
export function GuardChart({ metric, points, current }: { metric: string; points: GuardPoint[]; current: GuardResult }) {
  const rows = points
    .map((p) => ({ at: p.at, g: p.guards.find((x) => x.metric === metric) }))
    .filter((r): r is { at: string; g: GuardResult } => !!r.g)
    .map(({ at, g }) => {
      const limit = limitOf(g);
      return {
        at,
        candidate: g.candidate.rate,
        baseline: g.baseline.rate,
        limit,
        band: g.interval ? [Math.max(0, limit + g.interval[0]), Math.min(1, limit + g.interval[1])] : undefined,
      };
    });
  const regressed = current.verdict === "regressed";
  return (
    <figure
      data-testid={`guard-${metric}`}
      data-verdict={current.verdict}
      aria-label={`${metric}: candidate ${pct(current.candidate.rate)} of ${current.candidate.n}, baseline ${pct(current.baseline.rate)} of ${current.baseline.n}, ${current.verdict}`}
      className={`rounded-lg border p-3 ${regressed ? "border-red-300 bg-red-50/60 dark:border-red-500/40 dark:bg-red-500/10" : "border-slate-200 dark:border-slate-800"}`}
    >
      <figcaption className="mb-2 flex flex-wrap items-center justify-between gap-2 text-sm">
        <span className="font-mono font-medium">{metric}</span>
        <Badge tone={verdictTone(current.verdict)} dot>
          {current.verdict}
        </Badge>
      </figcaption>
      <dl className="mb-2 grid grid-cols-3 gap-2 text-xs">
        <div>
          <dt className="text-slate-500">candidate</dt>
          <dd className="tabular-nums">
            {pct(current.candidate.rate)} <span className="text-slate-500">of {current.candidate.n}</span>
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">baseline</dt>
          <dd className="tabular-nums">
            {pct(current.baseline.rate)} <span className="text-slate-500">of {current.baseline.n}</span>
          </dd>
        </div>
        <div>
          <dt className="text-slate-500">interval (excess over limit)</dt>
          <dd className="tabular-nums">{current.interval ? `[${pct(current.interval[0])}, ${pct(current.interval[1])}]` : "not enough data"}</dd>
        </div>
      </dl>
      <div className="h-44 w-full">
        <ResponsiveContainer width="100%" height="100%">
          <ComposedChart data={rows} margin={{ top: 4, right: 8, bottom: 0, left: -12 }}>
            <CartesianGrid vertical={false} stroke="var(--chart-grid)" />
            <XAxis dataKey="at" tickFormatter={hhmmss} minTickGap={40} {...axis} />
            <YAxis tickFormatter={pct} domain={[0, (max: number) => Math.min(1, Math.max(0.05, max * 1.2))]} axisLine={false} {...axis} />
            <Tooltip labelFormatter={(l) => `${hhmmss(String(l))} UTC`} formatter={(v, name) => [Array.isArray(v) ? `${pct(Number(v[0]))} – ${pct(Number(v[1]))}` : pct(Number(v)), name]} {...tooltip} />
            <Legend iconType="circle" iconSize={8} wrapperStyle={{ fontSize: 11, color: "var(--chart-axis)" }} />
            <Area dataKey="band" name="candidate interval" fill="var(--chart-escalated)" fillOpacity={0.18} stroke="none" isAnimationActive={false} />
            <Line dataKey="baseline" name="baseline" stroke="var(--chart-allowed)" dot={false} strokeWidth={2} isAnimationActive={false} />
            <Line dataKey="candidate" name="candidate" stroke="var(--chart-denied)" dot={false} strokeWidth={2} isAnimationActive={false} />
            <Line dataKey="limit" name="tolerated limit" stroke="var(--chart-axis)" strokeDasharray="4 3" dot={false} isAnimationActive={false} />
          </ComposedChart>
        </ResponsiveContainer>
      </div>
      <p className="mt-2 text-xs text-slate-600 dark:text-slate-400">
        <span className="font-medium">Decision rule:</span> tolerates {toleranceText(current)}; {current.rule}. α for this step: {Number(current.alpha.toPrecision(3))}.
      </p>
    </figure>
  );
}
