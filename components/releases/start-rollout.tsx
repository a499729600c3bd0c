"use client";

import { useState } from "react";
import type { GuardMetric, VersionView } from "@/lib/releases/index.ts";
import { api } from "../api.ts";
import { Button } from "../ui/button.tsx";
import { ErrorText, Field, inputClass } from "../ui/field.tsx";
import { useApiMutation } from "../use-api-mutation.ts";

const METRICS: GuardMetric[] = ["deny_rate", "escalation_rate", "rejection_rate", "flag_rate", "failure_rate", "pii_per_action", "breaker_trips"];

type GuardRow = { on: boolean; kind: "relative" | "absolute"; value: string };

/** Starts a canary (or an experiment) of one version against another, with its guards. */
export function StartRollout({ agentId, versions, onStarted }: { agentId: string; versions: VersionView[]; onStarted: () => void }) {
  const current = versions.find((v) => v.current)?.version ?? "";
  const [candidate, setCandidate] = useState(versions.find((v) => !v.current)?.version ?? "");
  const [baseline, setBaseline] = useState(current);
  const [mode, setMode] = useState<"canary" | "experiment">("canary");
  const [steps, setSteps] = useState("5, 25, 50, 100");
  const [minSamples, setMinSamples] = useState("200");
  const [stepSeconds, setStepSeconds] = useState("300");
  const [alpha, setAlpha] = useState("0.05");
  const [guards, setGuards] = useState<Record<GuardMetric, GuardRow>>(
    Object.fromEntries(METRICS.map((m) => [m, { on: m === "deny_rate" || m === "escalation_rate", kind: "relative", value: "0.25" }])) as Record<GuardMetric, GuardRow>,
  );
  const m = useApiMutation(
    (body: unknown) => api(`/api/agents/${agentId}/rollouts`, { body }),
    () => onStarted(),
  );
  if (versions.length < 2) return <p className="text-sm text-slate-500">Register a second version (POST /api/agents/{agentId}/versions) to roll it out.</p>;
  return (
    <form
      aria-label="Start a rollout"
      className="grid gap-3 sm:grid-cols-2 lg:grid-cols-4"
      onSubmit={(e) => {
        e.preventDefault();
        m.mutate({
          candidate,
          baseline,
          mode,
          steps: steps.split(",").map((s) => Number(s.trim())).filter((n) => !Number.isNaN(n)),
          minSamplesPerStep: Number(minSamples),
          stepMinSeconds: Number(stepSeconds),
          alpha: Number(alpha),
          guards: METRICS.filter((g) => guards[g].on).map((g) => ({ metric: g, [guards[g].kind === "relative" ? "maxRelativeIncrease" : "maxAbsoluteIncrease"]: Number(guards[g].value) })),
        });
      }}
    >
      <Field label="Candidate">
        <select aria-label="Candidate version" className={inputClass} value={candidate} onChange={(e) => setCandidate(e.target.value)}>
          {versions.map((v) => (
            <option key={v.version} value={v.version}>
              {v.version}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Baseline">
        <select aria-label="Baseline version" className={inputClass} value={baseline} onChange={(e) => setBaseline(e.target.value)}>
          {versions.map((v) => (
            <option key={v.version} value={v.version}>
              {v.version}
              {v.current ? " (current)" : ""}
            </option>
          ))}
        </select>
      </Field>
      <Field label="Mode">
        <select aria-label="Mode" className={inputClass} value={mode} onChange={(e) => setMode(e.target.value as "canary" | "experiment")}>
          <option value="canary">canary (promotes by itself)</option>
          <option value="experiment">experiment (an operator ends it)</option>
        </select>
      </Field>
      <Field label="Steps (% of traffic)" hint="increasing, up to 100">
        <input className={inputClass} value={steps} onChange={(e) => setSteps(e.target.value)} />
      </Field>
      <Field label="Candidate decisions per step">
        <input className={inputClass} inputMode="numeric" value={minSamples} onChange={(e) => setMinSamples(e.target.value)} />
      </Field>
      <Field label="Seconds per step (at least)">
        <input className={inputClass} inputMode="numeric" value={stepSeconds} onChange={(e) => setStepSeconds(e.target.value)} />
      </Field>
      <Field label="Alpha" hint="false rollback probability over the rollout">
        <input className={inputClass} inputMode="decimal" value={alpha} onChange={(e) => setAlpha(e.target.value)} />
      </Field>
      <fieldset className="sm:col-span-2 lg:col-span-4">
        <legend className="mb-1 text-sm font-medium">Guards: roll back when the candidate regresses beyond</legend>
        <div className="grid gap-2 sm:grid-cols-2 lg:grid-cols-4">
          {METRICS.map((g) => (
            <div key={g} className="flex items-center gap-2 rounded-md border border-slate-200 px-2 py-1.5 text-sm dark:border-slate-800">
              <label className="flex items-center gap-1.5 font-mono text-xs">
                <input type="checkbox" checked={guards[g].on} onChange={(e) => setGuards({ ...guards, [g]: { ...guards[g], on: e.target.checked } })} aria-label={`Guard ${g}`} />
                {g}
              </label>
              <select aria-label={`${g} tolerance kind`} className="rounded border border-slate-300 bg-transparent text-xs dark:border-slate-700" value={guards[g].kind} onChange={(e) => setGuards({ ...guards, [g]: { ...guards[g], kind: e.target.value as GuardRow["kind"] } })}>
                <option value="relative">+rel</option>
                <option value="absolute">+abs</option>
              </select>
              <input aria-label={`${g} tolerance`} className="w-16 rounded border border-slate-300 bg-transparent px-1 text-xs dark:border-slate-700" value={guards[g].value} onChange={(e) => setGuards({ ...guards, [g]: { ...guards[g], value: e.target.value } })} />
            </div>
          ))}
        </div>
      </fieldset>
      <div className="sm:col-span-2 lg:col-span-4">
        <ErrorText error={m.errorMessage} />
        <Button type="submit" disabled={m.isPending} className="mt-2">
          Start {mode}
        </Button>
      </div>
    </form>
  );
}
