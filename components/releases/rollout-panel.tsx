"use client";

import type { RolloutView } from "@/lib/releases/index.ts";
import { Badge, type Tone } from "../ui/badge.tsx";
import { num } from "../ui/format.ts";
import { Panel } from "../ui/panel.tsx";
import { Time } from "../ui/time.tsx";
import { GuardChart, type GuardPoint } from "./guard-chart.tsx";
import { RolloutControls } from "./rollout-controls.tsx";

export const rolloutTone = (s: RolloutView["status"]): Tone => (s === "rolled_back" ? "red" : s === "completed" ? "green" : s === "paused" ? "amber" : s === "running" ? "blue" : "gray");

/** The active (or latest) rollout: step, share per version, each guard live, and why it ended. */
export function RolloutPanel({ rollout, points, canWrite, onChange }: { rollout: RolloutView; points: GuardPoint[]; canWrite: boolean; onChange: () => void }) {
  const active = rollout.status === "running" || rollout.status === "paused";
  const shown = rollout.mode === "experiment" ? rollout.metrics : rollout.guards;
  return (
    <Panel
      title={
        <span className="flex flex-wrap items-center gap-2">
          {rollout.mode === "experiment" ? "Experiment" : "Canary"} <span className="font-mono">{rollout.candidate}</span> vs <span className="font-mono">{rollout.baseline}</span>
          <span data-testid="rollout-status">
            <Badge tone={rolloutTone(rollout.status)} dot>
              {rollout.status.replace("_", " ")}
            </Badge>
          </span>
        </span>
      }
      description={
        <>
          Started <Time iso={rollout.createdAt} /> by {rollout.createdBy} · steps {rollout.steps.join(" → ")} % · {num(rollout.minSamplesPerStep)} candidate decisions and {rollout.stepMinSeconds} s per step · α {rollout.alpha}
        </>
      }
      actions={active && canWrite ? <RolloutControls rollout={rollout} onDone={onChange} /> : null}
    >
      {rollout.status === "rolled_back" && (
        <p role="alert" data-testid="rollout-ended-reason" className="mb-4 rounded-lg border border-red-200 bg-red-50 px-4 py-3 text-sm text-red-800 dark:border-red-500/30 dark:bg-red-500/10 dark:text-red-200">
          <strong className="font-semibold">Rolled back{rollout.endedBy === "warden" ? " by itself" : ` by ${rollout.endedBy}`}</strong> <Time iso={rollout.endedAt} />: {rollout.endedReason}. The candidate gets no traffic.
        </p>
      )}
      {(rollout.status === "completed" || rollout.status === "ended") && (
        <p role="status" data-testid="rollout-ended-reason" className="mb-4 rounded-lg border border-slate-200 bg-slate-50 px-4 py-3 text-sm dark:border-slate-700 dark:bg-slate-800/50">
          <strong className="font-semibold">{rollout.status === "completed" ? `Completed: ${rollout.candidate} is the current version` : "Ended"}</strong> <Time iso={rollout.endedAt} /> by {rollout.endedBy}: {rollout.endedReason}
        </p>
      )}
      <div className="mb-4 grid gap-4 sm:grid-cols-3">
        <div role="group" aria-label="Step">
          <div className="text-xs text-slate-500">Step</div>
          <div className="text-xl font-semibold tabular-nums">
            {rollout.step} of {rollout.steps.length}
          </div>
        </div>
        <div role="group" aria-label="Share per version" className="sm:col-span-2">
          <div className="text-xs text-slate-500">Share of traffic</div>
          <div className="mt-1 flex h-3 w-full overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800" aria-hidden>
            <div style={{ width: `${rollout.share}%`, background: "var(--chart-denied)" }} />
            <div style={{ width: `${100 - rollout.share}%`, background: "var(--chart-allowed)" }} />
          </div>
          <div className="mt-1 flex justify-between text-xs tabular-nums">
            <span data-testid="share-candidate">
              {rollout.candidate}: {rollout.share} %
            </span>
            <span>
              {rollout.baseline}: {100 - rollout.share} %
            </span>
          </div>
        </div>
      </div>
      <p className="mb-3 text-xs text-slate-500">
        This step: {num(rollout.samples.candidate)} candidate and {num(rollout.samples.baseline)} baseline decisions{rollout.decision ? ` · guard job: ${rollout.decision}` : ""}
      </p>
      {shown.length === 0 ? (
        <p className="text-sm text-slate-500">No guards.</p>
      ) : (
        <div className="grid gap-4 lg:grid-cols-2">
          {shown.map((g) => (
            <GuardChart key={g.metric} metric={g.metric} current={g} points={points} />
          ))}
        </div>
      )}
    </Panel>
  );
}
