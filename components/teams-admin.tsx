"use client";

import { useState } from "react";
import type { TeamView } from "@/lib/teams/index.ts";
import { api } from "./api.ts";
import { Badge } from "./ui/badge.tsx";
import { Button } from "./ui/button.tsx";
import { ErrorText, Field, inputClass } from "./ui/field.tsx";
import { useApiMutation } from "./use-api-mutation.ts";

type Person = { id: string; email: string; name: string; role: string };
type Draft = { name: string; description: string; members: string[]; cohorts: string[] };

/** Create or replace a team: its name, members (approvers and admins) and default cohorts. */
function TeamForm({ initial, people, cohorts, onDone, submitLabel, teamId }: { initial: Draft; people: Person[]; cohorts: string[]; onDone?: () => void; submitLabel: string; teamId?: string }) {
  const [d, setD] = useState<Draft>(initial);
  const m = useApiMutation(
    (body: Draft) => (teamId ? api(`/api/teams/${teamId}`, { method: "PUT", body }) : api("/api/teams", { body })),
    () => {
      if (!teamId) setD({ name: "", description: "", members: [], cohorts: [] });
      onDone?.();
    },
  );
  const toggle = (list: string[], v: string) => (list.includes(v) ? list.filter((x) => x !== v) : [...list, v]);
  return (
    <form
      aria-label={teamId ? `Edit ${initial.name}` : "Create team"}
      className="space-y-3"
      onSubmit={(e) => {
        e.preventDefault();
        m.mutate(d);
      }}
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Team name" hint="lowercase, as policies' stages name it" error={m.fieldErrors.name}>
          <input className={inputClass} value={d.name} required onChange={(e) => setD({ ...d, name: e.target.value })} />
        </Field>
        <Field label="Description">
          <input className={inputClass} value={d.description} onChange={(e) => setD({ ...d, description: e.target.value })} />
        </Field>
      </div>
      <fieldset className="text-sm">
        <legend className="mb-1 font-medium">Members</legend>
        <div className="flex max-h-48 flex-wrap gap-x-4 gap-y-1 overflow-y-auto">
          {people.map((p) => (
            <label key={p.id} className="flex items-center gap-1.5">
              <input type="checkbox" checked={d.members.includes(p.id)} onChange={() => setD({ ...d, members: toggle(d.members, p.id) })} /> {p.name} <span className="text-xs text-slate-500">{p.email}</span>
            </label>
          ))}
          {people.length === 0 && <span className="text-slate-500">No approvers or admins yet (Users).</span>}
        </div>
      </fieldset>
      <fieldset className="text-sm">
        <legend className="mb-1 font-medium">Default team of cohorts</legend>
        <p className="mb-1 text-xs text-slate-500">Agents&apos; hand-offs in these cohorts come to this team when no policy routes them.</p>
        <div className="flex flex-wrap gap-x-4 gap-y-1">
          {cohorts.map((c) => (
            <label key={c} className="flex items-center gap-1.5">
              <input type="checkbox" checked={d.cohorts.includes(c)} onChange={() => setD({ ...d, cohorts: toggle(d.cohorts, c) })} /> {c}
            </label>
          ))}
        </div>
      </fieldset>
      <ErrorText error={m.errorMessage} />
      <Button type="submit" disabled={m.isPending}>
        {submitLabel}
      </Button>
      {m.isSuccess && teamId && <span className="ml-3 text-sm text-emerald-700">Saved.</span>}
    </form>
  );
}

export function CreateTeamForm({ people, cohorts }: { people: Person[]; cohorts: string[] }) {
  return <TeamForm initial={{ name: "", description: "", members: [], cohorts: [] }} people={people} cohorts={cohorts} submitLabel="Create team" />;
}

export function TeamsList({ teams, people, cohorts }: { teams: (TeamView & { pending: number })[]; people: Person[]; cohorts: string[] }) {
  const [editing, setEditing] = useState<string | null>(null);
  if (teams.length === 0) return <p className="text-sm text-slate-500">No teams yet. Policies&apos; stages route to teams by name.</p>;
  return (
    <ul className="divide-y divide-slate-100 dark:divide-slate-800" aria-label="Teams">
      {teams.map((t) => (
        <li key={t.id} data-testid="team" className="space-y-2 px-4 py-3">
          <div className="flex flex-wrap items-center gap-2">
            <span className="font-semibold">{t.name}</span>
            {t.description && <span className="text-sm text-slate-500">{t.description}</span>}
            {t.cohorts.map((c) => (
              <Badge key={c} tone="blue">
                default for {c}
              </Badge>
            ))}
            <Badge tone={t.pending ? "amber" : "gray"}>{t.pending} waiting</Badge>
            <Button variant="ghost" className="ml-auto" onClick={() => setEditing(editing === t.id ? null : t.id)}>
              {editing === t.id ? "Close" : "Edit"}
            </Button>
          </div>
          <p className="text-sm text-slate-600 dark:text-slate-300">{t.members.map((m) => `${m.name} (${m.email})`).join(", ") || "No members"}</p>
          {editing === t.id && (
            <TeamForm
              teamId={t.id}
              initial={{ name: t.name, description: t.description, members: t.members.map((m) => m.id), cohorts: t.cohorts }}
              people={people}
              cohorts={cohorts}
              submitLabel="Save team"
              onDone={() => setEditing(null)}
            />
          )}
        </li>
      ))}
    </ul>
  );
}
