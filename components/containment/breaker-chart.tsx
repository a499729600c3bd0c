"use client";

import { useQuery } from "@tanstack/react-query";
import { Line, LineChart, ReferenceLine, ResponsiveContainer, Tooltip, YAxis } from "recharts";
import { api } from "../api.ts";

type Point = { at: string; value: number; samples: number };

/** The breaker's metric over its rolling window at each of the last 30 buckets (5 min), against its threshold. */
export function BreakerChart({ id, threshold, rate, label }: { id: string; threshold: number; rate: boolean; label: string }) {
  const q = useQuery({ queryKey: ["breaker-series", id], queryFn: () => api<{ points: Point[] }>(`/api/breakers/${id}/series?points=30`), refetchInterval: 5000 });
  const points = q.data?.points ?? [];
  const fmt = (v: number) => (rate ? `${Math.round(v * 1000) / 10}%` : v.toLocaleString("en-GB"));
  const max = Math.max(threshold * 1.25, ...points.map((p) => p.value), rate ? 0.05 : 1);
  return (
    <figure className="h-12 w-40" aria-label={`${label} over its window, last 5 minutes, against the threshold of ${fmt(threshold)}`} data-testid="breaker-chart">
      <ResponsiveContainer width="100%" height="100%">
        <LineChart data={points} margin={{ top: 2, right: 2, bottom: 2, left: 2 }}>
          <YAxis hide domain={[0, max]} />
          <ReferenceLine y={threshold} stroke="var(--chart-denied)" strokeDasharray="3 3" />
          <Tooltip formatter={(v) => fmt(Number(v))} labelFormatter={(_, p) => String((p[0]?.payload as Point | undefined)?.at.slice(11, 19) ?? "")} contentStyle={{ fontSize: 11 }} />
          <Line type="monotone" dataKey="value" stroke="var(--chart-allowed)" dot={false} strokeWidth={1.5} isAnimationActive={false} />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
