"use client";

import Link from "next/link";
import { useState } from "react";
import { api } from "./api.ts";
import { Button } from "./ui/button.tsx";
import { ErrorText, Field, inputClass } from "./ui/field.tsx";
import { OneTimeSecret } from "./ui/one-time-secret.tsx";
import { submitWith } from "./submit-with.ts";
import { useApiMutation } from "./use-api-mutation.ts";

type AgentFields = { name?: string; description: string; cohort: string; owner: string; riskTier: string };
type Errors = Record<string, string>;

function fields(form: FormData, withName: boolean): AgentFields {
  const v = (k: string) => String(form.get(k) ?? "").trim();
  return { ...(withName ? { name: v("name") } : {}), description: v("description"), cohort: v("cohort"), owner: v("owner"), riskTier: v("riskTier") };
}

function CommonFields({ cohorts, initial, errors, idPrefix, compact }: { cohorts: string[]; initial?: Partial<AgentFields>; errors: Errors; idPrefix: string; compact?: boolean }) {
  return (
    <>
      <Field label="Description" error={errors.description} hint="What it does, in a sentence: shown to approvers.">
        <textarea name="description" rows={2} defaultValue={initial?.description} className={inputClass} />
      </Field>
      <div className={compact ? "grid gap-4" : "grid gap-4 sm:grid-cols-3"}>
        <Field label="Cohort" hint="Pick one or type a new name" error={errors.cohort}>
          <input name="cohort" required list={`${idPrefix}-cohorts`} defaultValue={initial?.cohort} autoComplete="off" className={inputClass} />
          <datalist id={`${idPrefix}-cohorts`}>
            {cohorts.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        </Field>
        <Field label="Owner" hint="Accountable person (e-mail) or team" error={errors.owner}>
          <input name="owner" required defaultValue={initial?.owner} className={inputClass} />
        </Field>
        <Field label="Risk tier" error={errors.riskTier}>
          <select name="riskTier" defaultValue={initial?.riskTier ?? "medium"} className={inputClass}>
            <option value="low">low</option>
            <option value="medium">medium</option>
            <option value="high">high</option>
          </select>
        </Field>
      </div>
    </>
  );
}

type Registered = { id: string; name: string; apiKey: string };

function RegisteredPanel({ created, onAnother }: { created: Registered; onAnother: () => void }) {
  return (
    <div className="space-y-4">
      <p className="text-sm">
        Agent <strong>{created.name}</strong> is registered. Give it this key; it sends it as <code className="font-mono text-xs">Authorization: Bearer …</code>.
      </p>
      <OneTimeSecret label="Agent API key" value={created.apiKey} testId="one-time-key" storedAs="sha256" />
      <div className="flex flex-wrap items-center gap-4">
        <Link href={`/agents/${created.id}`} className="link text-sm">
          Go to {created.name}
        </Link>
        <button type="button" onClick={onAnother} className="text-sm text-slate-600 hover:text-slate-900 dark:text-slate-400 dark:hover:text-slate-100">
          Register another agent
        </button>
      </div>
    </div>
  );
}

export function RegisterAgentForm({ cohorts }: { cohorts: string[] }) {
  const [created, setCreated] = useState<Registered | null>(null);
  const m = useApiMutation(
    (body: AgentFields) => api<{ agent: { id: string; name: string }; apiKey: string }>("/api/agents", { body }),
    (r) => setCreated({ id: r.agent.id, name: r.agent.name, apiKey: r.apiKey }),
  );
  if (created) {
    return (
      <RegisteredPanel
        created={created}
        onAnother={() => {
          setCreated(null);
          m.reset();
        }}
      />
    );
  }
  return (
    <form onSubmit={submitWith((f) => m.mutate(fields(f, true)))} className="space-y-4" aria-label="Register agent">
      <Field label="Name" hint="Lowercase letters, digits, . _ -  (e.g. price-optimizer-apac)" error={m.fieldErrors.name}>
        <input name="name" required autoComplete="off" className={`${inputClass} font-mono`} />
      </Field>
      <CommonFields cohorts={cohorts} errors={m.fieldErrors} idPrefix="register" />
      <ErrorText error={m.errorMessage} />
      <div className="flex justify-end border-t border-slate-200 pt-4 dark:border-slate-800">
        <Button type="submit" disabled={m.isPending}>
          {m.isPending ? "Registering…" : "Register agent"}
        </Button>
      </div>
    </form>
  );
}

export function EditAgentForm({ id, cohorts, initial, onDone }: { id: string; cohorts: string[]; initial: AgentFields; onDone: () => void }) {
  const m = useApiMutation((body: AgentFields) => api(`/api/agents/${id}`, { method: "PATCH", body }), onDone);
  return (
    <form onSubmit={submitWith((f) => m.mutate(fields(f, false)))} className="space-y-4" aria-label="Edit agent">
      <CommonFields cohorts={cohorts} initial={initial} errors={m.fieldErrors} idPrefix="edit" compact />
      <ErrorText error={m.errorMessage} />
      <div className="flex gap-2">
        <Button type="submit" disabled={m.isPending}>
          {m.isPending ? "Saving…" : "Save changes"}
        </Button>
        <Button variant="ghost" onClick={onDone}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
