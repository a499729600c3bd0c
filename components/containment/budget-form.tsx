"use client";

import { useState } from "react";
import { api } from "../api.ts";
import { Button } from "../ui/button.tsx";
import { ErrorText, Field, inputClass } from "../ui/field.tsx";
import { useApiMutation } from "../use-api-mutation.ts";
import { ScopeFields, scopeOf } from "./scope-fields.tsx";

type Option = { id: string; name: string };

/** Creates a budget (operators): scope, actions, amount (CEL) or distinct resources, limit, window, what happens when it's exceeded. */
export function BudgetForm({ cohorts, agents, onDone }: { cohorts: string[]; agents: Option[]; onDone?: () => void }) {
  const [f, setF] = useState({
    name: "",
    scopeKind: "cohort",
    cohort: cohorts[0] ?? "",
    agent: agents[0]?.id ?? "",
    actions: "orders.refund",
    counts: "amount",
    amount: "input.amount",
    limit: "10000",
    unit: "EUR",
    windowKind: "calendar",
    seconds: "3600",
    calendar: "day",
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || "Europe/Paris",
    onExceed: "require_approval",
  });
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => setF((s) => ({ ...s, [k]: e.target.value }));
  const m = useApiMutation((body: unknown) => api("/api/budgets", { body }), () => {
    setF((s) => ({ ...s, name: "" }));
    onDone?.();
  });
  return (
    <form
      aria-label="New budget"
      className="grid gap-3 p-4 text-sm sm:grid-cols-2"
      onSubmit={(e) => {
        e.preventDefault();
        m.mutate({
          name: f.name,
          scope: scopeOf(f),
          actions: f.actions.split(",").map((s) => s.trim()).filter(Boolean),
          ...(f.counts === "amount" ? { amount: f.amount } : { distinct: "resource" }),
          limit: Number(f.limit),
          unit: f.unit,
          window: f.windowKind === "rolling" ? { seconds: Number(f.seconds) } : { calendar: f.calendar, timeZone: f.timeZone },
          onExceed: f.onExceed,
        });
      }}
    >
      <Field label="Budget name" error={m.fieldErrors.name}>
        <input className={inputClass} value={f.name} onChange={set("name")} required placeholder="refunds-per-day" />
      </Field>
      <ScopeFields label="Scope" f={f} set={set} cohorts={cohorts} agents={agents} />
      <Field label="Actions" hint="Action globs, comma-separated" error={m.fieldErrors.actions}>
        <input className={`${inputClass} font-mono`} value={f.actions} onChange={set("actions")} required />
      </Field>
      <div className="grid grid-cols-2 gap-2">
        <Field label="Counts">
          <select className={inputClass} value={f.counts} onChange={set("counts")}>
            <option value="amount">an amount per action</option>
            <option value="distinct">distinct resources</option>
          </select>
        </Field>
        {f.counts === "amount" && (
          <Field label="Amount (CEL)" error={m.fieldErrors.amount}>
            <input className={`${inputClass} font-mono`} value={f.amount} onChange={set("amount")} required placeholder="input.amount" />
          </Field>
        )}
      </div>
      <div className="grid grid-cols-2 gap-2">
        <Field label="Limit" error={m.fieldErrors.limit}>
          <input className={inputClass} type="number" min="0" step="any" value={f.limit} onChange={set("limit")} required />
        </Field>
        <Field label="Unit">
          <input className={inputClass} value={f.unit} onChange={set("unit")} required />
        </Field>
      </div>
      <div className="grid grid-cols-3 gap-2">
        <Field label="Window">
          <select className={inputClass} value={f.windowKind === "rolling" ? "rolling" : f.calendar} onChange={(e) => setF((s) => (e.target.value === "rolling" ? { ...s, windowKind: "rolling" } : { ...s, windowKind: "calendar", calendar: e.target.value }))}>
            <option value="day">per day</option>
            <option value="week">per week</option>
            <option value="month">per month</option>
            <option value="rolling">rolling seconds</option>
          </select>
        </Field>
        {f.windowKind === "rolling" ? (
          <Field label="Seconds" error={m.fieldErrors["window.seconds"]}>
            <input className={inputClass} type="number" min="1" value={f.seconds} onChange={set("seconds")} required />
          </Field>
        ) : (
          <Field label="Time zone" error={m.fieldErrors["window.timeZone"]}>
            <input className={inputClass} value={f.timeZone} onChange={set("timeZone")} required />
          </Field>
        )}
        <Field label="When exceeded">
          <select className={inputClass} value={f.onExceed} onChange={set("onExceed")}>
            <option value="require_approval">ask a human</option>
            <option value="deny">deny</option>
          </select>
        </Field>
      </div>
      <div className="sm:col-span-2">
        <ErrorText error={m.errorMessage} />
        <Button type="submit" className="mt-2" disabled={m.isPending}>Create budget</Button>
      </div>
    </form>
  );
}
