import { Field, inputClass } from "../ui/field.tsx";

/** What a budget or breaker is about: a cohort or an agent (the two selects of both forms). */
export type ScopeChoice = { scopeKind: string; cohort: string; agent: string };

/** The scope as the API takes it: `{"cohort": …}` or `{"agent": …}`. */
export function scopeOf(f: ScopeChoice): { cohort: string } | { agent: string } {
  return f.scopeKind === "cohort" ? { cohort: f.cohort } : { agent: f.agent };
}

/** "a cohort / an agent", then that cohort's or agent's select; `set` updates one field of the form. */
export function ScopeFields({ label, f, set, cohorts, agents }: { label: string; f: ScopeChoice; set: (k: keyof ScopeChoice) => (e: { target: { value: string } }) => void; cohorts: string[]; agents: { id: string; name: string }[] }) {
  return (
    <div className="grid grid-cols-2 gap-2">
      <Field label={label}>
        <select className={inputClass} value={f.scopeKind} onChange={set("scopeKind")}>
          <option value="cohort">a cohort</option>
          <option value="agent">an agent</option>
        </select>
      </Field>
      {f.scopeKind === "cohort" ? (
        <Field label="Cohort">
          <select className={inputClass} value={f.cohort} onChange={set("cohort")}>
            {cohorts.map((c) => <option key={c} value={c}>{c}</option>)}
          </select>
        </Field>
      ) : (
        <Field label="Agent">
          <select className={inputClass} value={f.agent} onChange={set("agent")}>
            {agents.map((a) => <option key={a.id} value={a.id}>{a.name}</option>)}
          </select>
        </Field>
      )}
    </div>
  );
}
