"use client";

import { useState } from "react";
import { api } from "../api.ts";
import { Button } from "../ui/button.tsx";
import { ErrorText, Field, inputClass } from "../ui/field.tsx";
import { useApiMutation } from "../use-api-mutation.ts";
import { ScopeFields, scopeOf } from "./scope-fields.tsx";

type Option = { id: string; name: string };
const METRICS = [
  ["deny_rate", "deny rate"],
  ["escalation_rate", "escalation rate"],
  ["rejection_rate", "rejection rate"],
  ["flag_rate", "post-check flag rate"],
  ["failure_rate", "failure rate"],
  ["action_rate", "actions in the window"],
  ["distinct_resources", "distinct resources"],
] as const;

/** Creates a circuit breaker (operators). Rates are entered as percentages. */
export function BreakerForm({ cohorts, agents }: { cohorts: string[]; agents: Option[] }) {
  const [f, setF] = useState({ name: "", scopeKind: "cohort", cohort: cohorts[0] ?? "", agent: agents[0]?.id ?? "", metric: "deny_rate", windowSeconds: "300", threshold: "20", minSamples: "20", opens: "cohort", recovery: "manual", cooldownSeconds: "60", probes: "5", openOnAnomaly: false });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF((s) => ({ ...s, [k]: e.target.value }));
  const rate = f.metric.endsWith("_rate") && f.metric !== "action_rate";
  const m = useApiMutation((body: unknown) => api("/api/breakers", { body }), () => setF((s) => ({ ...s, name: "" })));
  return (
    <form
      aria-label="New breaker"
      className="grid gap-3 p-4 text-sm sm:grid-cols-2"
      onSubmit={(e) => {
        e.preventDefault();
        m.mutate({
          name: f.name,
          scope: scopeOf(f),
          metric: f.metric,
          windowSeconds: Number(f.windowSeconds),
          threshold: rate ? Number(f.threshold) / 100 : Number(f.threshold),
          minSamples: Number(f.minSamples),
          opens: f.scopeKind === "cohort" ? "cohort" : f.opens,
          recovery: f.recovery === "manual" ? { mode: "manual" } : { mode: "half_open", cooldownSeconds: Number(f.cooldownSeconds), probes: Number(f.probes) },
          openOnAnomaly: f.openOnAnomaly,
        });
      }}
    >
      <Field label="Breaker name" error={m.fieldErrors.name}>
        <input className={inputClass} value={f.name} onChange={set("name")} required placeholder="pricing-deny-spike" />
      </Field>
      <ScopeFields label="Watches" f={f} set={set} cohorts={cohorts} agents={agents} />
      <div className="grid grid-cols-2 gap-2">
        <Field label="Metric">
          <select className={inputClass} value={f.metric} onChange={set("metric")}>
            {METRICS.map(([v, l]) => <option key={v} value={v}>{l}</option>)}
          </select>
        </Field>
        <Field label={rate ? "Threshold (%)" : "Threshold"} error={m.fieldErrors.threshold}>
          <input className={inputClass} type="number" min="0" step="any" value={f.threshold} onChange={set("threshold")} required />
        </Field>
      </div>
      <div className="grid grid-cols-2 gap-2">
        <Field label="Window (seconds)" error={m.fieldErrors.windowSeconds}>
          <input className={inputClass} type="number" value={f.windowSeconds} onChange={set("windowSeconds")} required />
        </Field>
        <Field label="Minimum samples" error={m.fieldErrors.minSamples}>
          <input className={inputClass} type="number" min="1" value={f.minSamples} onChange={set("minSamples")} required />
        </Field>
      </div>
      <div className="grid grid-cols-3 gap-2">
        {f.scopeKind === "agent" && (
          <Field label="Opens">
            <select className={inputClass} value={f.opens} onChange={set("opens")}>
              <option value="agent">the agent</option>
              <option value="cohort">its cohort</option>
            </select>
          </Field>
        )}
        <Field label="Recovery">
          <select className={inputClass} value={f.recovery} onChange={set("recovery")}>
            <option value="manual">an operator resets it</option>
            <option value="half_open">half-open after a cooldown</option>
          </select>
        </Field>
        {f.recovery === "half_open" && (
          <>
            <Field label="Cooldown (s)">
              <input className={inputClass} type="number" min="10" value={f.cooldownSeconds} onChange={set("cooldownSeconds")} />
            </Field>
            <Field label="Probes">
              <input className={inputClass} type="number" min="1" value={f.probes} onChange={set("probes")} />
            </Field>
          </>
        )}
      </div>
      <label className="flex items-center gap-2 self-end">
        <input type="checkbox" checked={f.openOnAnomaly} onChange={(e) => setF((s) => ({ ...s, openOnAnomaly: e.target.checked }))} />
        Also open on an unusual-access alert
      </label>
      <div className="sm:col-span-2">
        <ErrorText error={m.errorMessage} />
        <Button type="submit" className="mt-2" disabled={m.isPending}>Create breaker</Button>
      </div>
    </form>
  );
}
