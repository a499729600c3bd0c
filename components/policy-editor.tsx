"use client";

import { useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import { api, messageOf } from "./api.ts";
import { Badge } from "./ui/badge.tsx";
import { Button } from "./ui/button.tsx";
import { ErrorText, Field, inputClass } from "./ui/field.tsx";
import { Panel } from "./ui/panel.tsx";
import { useApiMutation } from "./use-api-mutation.ts";

export type PolicyDraft = {
  name: string;
  description: string;
  stage: "pre" | "post";
  effect: string;
  mode: "enforce" | "shadow";
  target: { cohorts: string[]; agents: string[]; actions: string[]; versions?: string[] };
  condition: string;
  priority: number;
  message: string;
  approval?: Approval;
};

type Stage = { team?: string; quorum: number; timeoutSeconds: number; onTimeout: "escalate" | "reject" | "approve" };
type Approval = { quorum: number; timeoutSeconds: number; stages?: Stage[]; fallbackTeam?: string; editable?: string[] };

/** The escalation path of a require_approval policy: stages (each a team's quorum within a timeout), a fallback team, and what approvers may change. */
function ApprovalEditor({ value, onChange }: { value: Approval; onChange: (a: Approval) => void }) {
  const teams = useQuery({ queryKey: ["teams"], queryFn: () => api<{ teams: { id: string; name: string; members: unknown[] }[] }>("/api/teams") });
  const names = (teams.data?.teams ?? []).map((t) => t.name);
  const stages = value.stages ?? [];
  const setStage = (i: number, patch: Partial<Stage>) => onChange({ ...value, stages: stages.map((s, j) => (j === i ? { ...s, ...patch } : s)) });
  const [editable, setEditable] = useState((value.editable ?? []).join(", "));
  return (
    <div className="space-y-3 rounded-lg border border-slate-200 p-3 dark:border-slate-800">
      {stages.length === 0 ? (
        <div className="grid gap-4 sm:grid-cols-2">
          <Field label="Approvals needed (quorum)"><input type="number" min={1} max={10} className={inputClass} value={value.quorum} onChange={(e) => onChange({ ...value, quorum: Number(e.target.value) })} /></Field>
          <Field label="Expires after (seconds)"><input type="number" min={10} className={inputClass} value={value.timeoutSeconds} onChange={(e) => onChange({ ...value, timeoutSeconds: Number(e.target.value) })} /></Field>
        </div>
      ) : (
        <fieldset aria-label="Stages" className="space-y-2">
          <legend className="text-sm font-medium">Escalation path</legend>
          {stages.map((st, i) => (
            <div key={i} data-testid="stage-row" className="grid items-end gap-2 sm:grid-cols-2 2xl:grid-cols-5">
              <Field label={`Stage ${i + 1} team`}>
                <select className={inputClass} value={st.team ?? ""} onChange={(e) => setStage(i, { team: e.target.value || undefined })}>
                  <option value="">any approver</option>
                  {[...new Set([...names, ...(st.team ? [st.team] : [])])].map((n) => <option key={n} value={n}>{n}</option>)}
                </select>
              </Field>
              <Field label="Quorum"><input type="number" min={1} max={10} className={inputClass} value={st.quorum} onChange={(e) => setStage(i, { quorum: Number(e.target.value) })} /></Field>
              <Field label="Timeout (s)"><input type="number" min={10} className={inputClass} value={st.timeoutSeconds} onChange={(e) => setStage(i, { timeoutSeconds: Number(e.target.value) })} /></Field>
              <Field label="On timeout">
                <select className={inputClass} value={st.onTimeout} onChange={(e) => setStage(i, { onTimeout: e.target.value as Stage["onTimeout"] })}>
                  <option value="escalate">escalate</option>
                  <option value="reject">reject</option>
                  <option value="approve">approve</option>
                </select>
              </Field>
              <Button variant="ghost-danger" onClick={() => onChange({ ...value, stages: stages.filter((_, j) => j !== i).length ? stages.filter((_, j) => j !== i) : undefined, ...(stages.length === 1 ? { fallbackTeam: undefined } : {}) })}>
                Remove
              </Button>
            </div>
          ))}
          <Field label="Fallback team" hint="Where a last stage that escalates goes (one of its members decides)">
            <select className={inputClass} value={value.fallbackTeam ?? ""} onChange={(e) => onChange({ ...value, fallbackTeam: e.target.value || undefined })}>
              <option value="">none (the action expires)</option>
              {names.map((n) => <option key={n} value={n}>{n}</option>)}
            </select>
          </Field>
        </fieldset>
      )}
      <Button variant="secondary" onClick={() => onChange({ ...value, stages: [...stages, { team: undefined, quorum: 1, timeoutSeconds: stages.length ? 3600 : value.timeoutSeconds, onTimeout: "escalate" }] })}>
        {stages.length ? "Add stage" : "Route through team stages"}
      </Button>
      <Field label="Approvers may change" hint="Input fields, comma-separated, e.g. input.price, input.units; the changed request is checked by every policy again">
        <input
          className={inputClass}
          value={editable}
          onChange={(e) => {
            setEditable(e.target.value);
            const paths = list(e.target.value);
            onChange({ ...value, editable: paths.length ? paths : undefined });
          }}
        />
      </Field>
    </div>
  );
}

type CelError = { message: string; line: number | null; column: number | null };

const list = (s: string) => s.split(",").map((x) => x.trim()).filter(Boolean);

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

const SAMPLE = `{
  "action": "pricing.set_price",
  "resource": "sku:LUX-001",
  "input": { "sku": "LUX-001", "price": 90.0, "currentPrice": 150.0, "tags": ["flagship"] },
  "agent": { "cohort": "pricing", "name": "price-optimizer-eu", "riskTier": "high" }
}`;

/**
 * A policy's form. Without `canWrite` it is read-only and says so: every control disabled (a
 * disabled fieldset), no Save, and `readOnlyNote` saying which role can edit.
 */
export function PolicyEditor({ initial, policyId, canWrite, readOnlyNote = null }: { initial: PolicyDraft; policyId?: string; canWrite: boolean; readOnlyNote?: string | null }) {
  const router = useRouter();
  const [d, setD] = useState<PolicyDraft>(initial);
  const [targets, setTargets] = useState({ cohorts: initial.target.cohorts.join(", "), agents: initial.target.agents.join(", "), actions: initial.target.actions.join(", "), versions: (initial.target.versions ?? []).join(", ") });
  const [sample, setSample] = useState(SAMPLE);
  const [backtestN, setBacktestN] = useState(200);
  const set = <K extends keyof PolicyDraft>(k: K, v: PolicyDraft[K]) => setD((x) => ({ ...x, [k]: v }));

  const debounced = useDebounced({ condition: d.condition, stage: d.stage }, 250);
  const validation = useQuery({
    queryKey: ["validate", debounced],
    queryFn: () => api<{ ok: boolean; error?: CelError }>("/api/policies/validate", { body: debounced }),
    enabled: debounced.condition.trim().length > 0,
  });

  const body = (): PolicyDraft => {
    const b: PolicyDraft = { ...d, target: { cohorts: list(targets.cohorts), agents: list(targets.agents), actions: list(targets.actions), versions: list(targets.versions) } };
    if (d.effect !== "require_approval") delete b.approval;
    else b.approval = d.approval ?? { quorum: 1, timeoutSeconds: 3600 };
    return b;
  };

  const save = useApiMutation(
    () => (policyId ? api<{ policy: { id: string } }>(`/api/policies/${policyId}`, { method: "PUT", body: body() }) : api<{ policy: { id: string } }>("/api/policies", { body: body() })),
    (r) => {
      if (!policyId) router.push(`/policies/${r.policy.id}`);
    },
  );
  const test = useApiMutation((vars: { sample: unknown; backtest: { last: number } }) =>
    api<{ sample?: { targeted: boolean; matched: boolean; error: string | null; decision: string; reasons: { policyName?: string; message: string }[] }; backtest?: { evaluated: number; skipped: number; changed: number; byChange: Record<string, number>; examples: { actionId: string; agent: string; action: string; before: string; after: string }[] } }>(
      "/api/policies/test",
      { body: { policy: body(), ...vars } },
    ),
  );
  const [sampleError, setSampleError] = useState<string | null>(null);

  const effects = d.stage === "post" ? ["flag"] : ["deny", "require_approval", "allow"];
  const celError = validation.data && !validation.data.ok ? validation.data.error : null;

  return (
    <div className="grid gap-6 xl:grid-cols-5">
      <Panel title={canWrite ? "Policy" : "Policy (read-only)"} className="xl:col-span-3">
        {!canWrite && (
          <p data-testid="read-only-note" className="mb-4 rounded-md border border-slate-200 bg-slate-50 px-3 py-2 text-sm text-slate-600 dark:border-slate-700 dark:bg-slate-950 dark:text-slate-300">
            {readOnlyNote ?? "Read-only: you can't change policies."}
          </p>
        )}
        <form
          className="space-y-4"
          onSubmit={(e) => {
            e.preventDefault();
            if (canWrite) save.mutate(undefined);
          }}
        >
          <fieldset disabled={!canWrite} className="min-w-0 space-y-4">
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Name"><input className={inputClass} value={d.name} onChange={(e) => set("name", e.target.value)} required /></Field>
            <Field label="Message" hint="Shown to the agent and approvers"><input className={inputClass} value={d.message} onChange={(e) => set("message", e.target.value)} /></Field>
          </div>
          <Field label="Description"><textarea className={inputClass} rows={2} value={d.description} onChange={(e) => set("description", e.target.value)} /></Field>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Stage">
              <select className={inputClass} value={d.stage} onChange={(e) => setD((x) => ({ ...x, stage: e.target.value as "pre" | "post", effect: e.target.value === "post" ? "flag" : "deny" }))}>
                <option value="pre">pre (before acting)</option>
                <option value="post">post (after the result)</option>
              </select>
            </Field>
            <Field label="Effect">
              <select className={inputClass} value={d.effect} onChange={(e) => set("effect", e.target.value)}>
                {effects.map((x) => <option key={x} value={x}>{x}</option>)}
              </select>
            </Field>
            <Field label="Mode">
              <select className={inputClass} value={d.mode} onChange={(e) => set("mode", e.target.value as "enforce" | "shadow")}>
                <option value="enforce">enforce</option>
                <option value="shadow">shadow (report only)</option>
              </select>
            </Field>
            <Field label="Priority"><input type="number" className={inputClass} value={d.priority} onChange={(e) => set("priority", Number(e.target.value))} /></Field>
          </div>
          <div className="grid gap-4 sm:grid-cols-2">
            <Field label="Cohorts" hint="comma-separated, empty = all"><input className={inputClass} value={targets.cohorts} onChange={(e) => setTargets({ ...targets, cohorts: e.target.value })} /></Field>
            <Field label="Agents" hint="names or ids, * wildcards"><input className={inputClass} value={targets.agents} onChange={(e) => setTargets({ ...targets, agents: e.target.value })} /></Field>
            <Field label="Actions" hint="e.g. pricing.*"><input className={inputClass} value={targets.actions} onChange={(e) => setTargets({ ...targets, actions: e.target.value })} /></Field>
            <Field label="Versions" hint="agent versions, e.g. stylist-v15; empty = all"><input className={inputClass} value={targets.versions} onChange={(e) => setTargets({ ...targets, versions: e.target.value })} /></Field>
          </div>
          <Field label="Condition (CEL)" hint="Sees agent (with agent.version), action, resource, input, context, now (post: result). JSON numbers are doubles: write 100.0 in arithmetic.">
            <textarea aria-label="Condition" className={`${inputClass} font-mono`} rows={4} spellCheck={false} value={d.condition} onChange={(e) => set("condition", e.target.value)} />
          </Field>
          <p role="status" data-testid="cel-status" className="text-xs">
            {celError ? (
              <span className="text-red-600">
                CEL error{celError.line ? ` at line ${celError.line}, column ${celError.column}` : ""}: {celError.message}
              </span>
            ) : validation.data?.ok ? (
              <span className="text-emerald-700">Condition compiles</span>
            ) : null}
          </p>
          {d.effect === "require_approval" && <ApprovalEditor value={d.approval ?? { quorum: 1, timeoutSeconds: 3600 }} onChange={(a) => set("approval", a)} />}
          </fieldset>
          <ErrorText error={save.errorMessage} />
          {canWrite && (
            <Button type="submit" disabled={save.isPending || Boolean(celError)}>
              {policyId ? "Save as new version" : "Create policy"}
            </Button>
          )}
          {save.isSuccess && policyId && <span className="ml-3 text-sm text-emerald-700">Saved.</span>}
        </form>
      </Panel>
      {canWrite ? (
        <Panel title="Test before you save" className="xl:col-span-2">
          <div className="space-y-3">
            <Field label="Sample action (JSON)">
              <textarea aria-label="Sample" className={`${inputClass} font-mono text-xs`} rows={9} value={sample} onChange={(e) => setSample(e.target.value)} spellCheck={false} />
            </Field>
            <Field label="Backtest over the last N recorded actions">
              <input type="number" min={1} max={5000} className={inputClass} value={backtestN} onChange={(e) => setBacktestN(Number(e.target.value))} />
            </Field>
            <Button
              variant="secondary"
              onClick={() => {
                try {
                  setSampleError(null);
                  test.mutate({ sample: JSON.parse(sample) as unknown, backtest: { last: backtestN } });
                } catch (e) {
                  setSampleError(`The sample is not valid JSON: ${messageOf(e)}`);
                }
              }}
              disabled={test.isPending}
            >
              Run test
            </Button>
            <ErrorText error={sampleError ?? test.errorMessage} />
            {test.data?.sample && (
              <div data-testid="test-result" className="rounded-md bg-slate-50 p-3 text-sm dark:bg-slate-950">
                <p>
                  On the sample: {test.data.sample.targeted ? (test.data.sample.matched ? "matches" : "does not match") : "not targeted"}
                  {test.data.sample.error && <span className="text-red-600"> (run-time error: {test.data.sample.error})</span>} → decision{" "}
                  <Badge tone={test.data.sample.decision === "deny" ? "red" : test.data.sample.decision === "pending" ? "amber" : "green"}>{test.data.sample.decision}</Badge>
                </p>
              </div>
            )}
            {test.data?.backtest && (
              <div data-testid="backtest-result" className="rounded-md bg-slate-50 p-3 text-sm dark:bg-slate-950">
                <p>
                  Over {test.data.backtest.evaluated} recorded actions it would change <strong>{test.data.backtest.changed}</strong> decisions
                  {Object.entries(test.data.backtest.byChange).map(([k, v]) => ` · ${k}: ${v}`).join("")}
                  {test.data.backtest.skipped ? ` (${test.data.backtest.skipped} decided by halts skipped)` : ""}.
                </p>
                <ul className="mt-2 space-y-1 font-mono text-xs">
                  {test.data.backtest.examples.map((e) => (
                    <li key={e.actionId}>{e.agent} {e.action}: {e.before} → {e.after}</li>
                  ))}
                </ul>
              </div>
            )}
          </div>
        </Panel>
      ) : (
        <Panel title="Test before you save" className="xl:col-span-2">
          {/* POST /api/policies/test runs any condition over recorded actions: policies:write only. */}
          <p className="text-sm text-slate-500">Testing and backtesting a draft is for those who can write policies (admins).</p>
        </Panel>
      )}
    </div>
  );
}

export function PolicyToggle({ id, enabled }: { id: string; enabled: boolean }) {
  const m = useApiMutation(() => api(`/api/policies/${id}/${enabled ? "disable" : "enable"}`, { method: "POST" }));
  return (
    <>
      <Button variant={enabled ? "secondary" : "primary"} onClick={() => m.mutate(undefined)} disabled={m.isPending}>
        {enabled ? "Disable" : "Enable"}
      </Button>
      <ErrorText error={m.errorMessage} />
    </>
  );
}
