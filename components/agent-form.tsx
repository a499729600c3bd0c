"use client";

import { useState } from "react";
import { api } from "./api.ts";
import { OneTimeSecret } from "./one-time-secret.tsx";
import { Button, ErrorText, Field, inputClass } from "./ui/primitives.tsx";
import { useApiMutation } from "./use-api-mutation.ts";

type AgentFields = { name?: string; description: string; cohort: string; owner: string; riskTier: string };

function fields(form: FormData, withName: boolean): AgentFields {
  const v = (k: string) => String(form.get(k) ?? "").trim();
  return { ...(withName ? { name: v("name") } : {}), description: v("description"), cohort: v("cohort"), owner: v("owner"), riskTier: v("riskTier") };
}

function CommonFields({ cohorts, initial }: { cohorts: string[]; initial?: Partial<AgentFields> }) {
  return (
    <>
      <Field label="Description">
        <textarea name="description" rows={2} defaultValue={initial?.description} className={inputClass} />
      </Field>
      <div className="grid gap-4 sm:grid-cols-3">
        <Field label="Cohort" hint="New cohorts are created on first use">
          <input name="cohort" required list="cohorts" defaultValue={initial?.cohort} className={inputClass} />
          <datalist id="cohorts">
            {cohorts.map((c) => (
              <option key={c} value={c} />
            ))}
          </datalist>
        </Field>
        <Field label="Owner" hint="Accountable person (e-mail) or team">
          <input name="owner" required defaultValue={initial?.owner} className={inputClass} />
        </Field>
        <Field label="Risk tier">
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

export function RegisterAgentForm({ cohorts }: { cohorts: string[] }) {
  const [created, setCreated] = useState<{ id: string; name: string; apiKey: string } | null>(null);
  const m = useApiMutation(
    (body: AgentFields) => api<{ agent: { id: string; name: string }; apiKey: string }>("/api/agents", { body }),
    (r) => setCreated({ id: r.agent.id, name: r.agent.name, apiKey: r.apiKey }),
  );
  if (created) {
    return (
      <div className="space-y-4">
        <p className="text-sm">
          Agent <strong>{created.name}</strong> is registered.
        </p>
        <OneTimeSecret label="Agent API key" value={created.apiKey} testId="one-time-key" />
        <a href={`/agents/${created.id}`} className="inline-block text-sm font-medium text-brand-600 hover:underline">
          Go to {created.name}
        </a>
      </div>
    );
  }
  return (
    <form action={(f) => m.mutate(fields(f, true))} className="space-y-4">
      <Field label="Name" hint="lowercase, digits, . _ -  e.g. price-optimizer-apac">
        <input name="name" required className={inputClass} />
      </Field>
      <CommonFields cohorts={cohorts} />
      <ErrorText error={m.errorMessage} />
      <Button type="submit" disabled={m.isPending}>
        Register agent
      </Button>
    </form>
  );
}

export function EditAgentForm({ id, cohorts, initial }: { id: string; cohorts: string[]; initial: AgentFields }) {
  const [open, setOpen] = useState(false);
  const m = useApiMutation((body: AgentFields) => api(`/api/agents/${id}`, { method: "PATCH", body }), () => setOpen(false));
  if (!open)
    return (
      <Button variant="secondary" onClick={() => setOpen(true)}>
        Edit
      </Button>
    );
  return (
    <form action={(f) => m.mutate(fields(f, false))} className="mt-4 w-full space-y-4">
      <CommonFields cohorts={cohorts} initial={initial} />
      <ErrorText error={m.errorMessage} />
      <div className="flex gap-2">
        <Button type="submit" disabled={m.isPending}>Save</Button>
        <Button type="button" variant="ghost" onClick={() => setOpen(false)}>Cancel</Button>
      </div>
    </form>
  );
}
