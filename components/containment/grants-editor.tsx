"use client";

import { useState } from "react";
import type { Capabilities } from "@/lib/grants/index.ts";
import { api } from "../api.ts";
import { Button } from "../ui/button.tsx";
import { ErrorText, inputClass } from "../ui/field.tsx";
import { useApiMutation } from "../use-api-mutation.ts";
import { GrantsBadge } from "./grants-badge.tsx";

type Row = { action: string; resources: string };

const toRows = (c: Capabilities): Row[] => (c ?? []).map((g) => ({ action: g.action, resources: (g.resources ?? []).join(", ") }));
const toCapabilities = (rows: Row[]) =>
  rows
    .filter((r) => r.action.trim() !== "")
    .map((r) => {
      const resources = r.resources.split(",").map((s) => s.trim()).filter(Boolean);
      return resources.length ? { action: r.action.trim(), resources } : { action: r.action.trim() };
    });

type Saved = { agent: { capabilities: Capabilities }; capabilityChange?: { id: string; added: unknown } };

/**
 * An agent's capability grants: action globs, each with optional resource globs. Admins edit
 * them (a widening by the agent's own owner becomes a request someone else confirms); others
 * see them read-only.
 */
export function GrantsEditor({ agentId, capabilities, canGrant }: { agentId: string; capabilities: Capabilities; canGrant: boolean }) {
  const [editing, setEditing] = useState(false);
  const [restricted, setRestricted] = useState(capabilities !== null);
  const [rows, setRows] = useState<Row[]>(() => (capabilities === null ? [{ action: "", resources: "" }] : toRows(capabilities)));
  const [notice, setNotice] = useState<string | null>(null);
  const save = useApiMutation(
    (caps: Capabilities) => api<Saved>(`/api/agents/${agentId}`, { method: "PATCH", body: { capabilities: caps } }),
    (r) => {
      setEditing(false);
      setNotice(r.capabilityChange ? "You own this agent: widening its grants needs someone else's confirmation. Your request is waiting under Containment." : "Grants saved. They apply to its next action, on every instance.");
    },
  );
  const set = (i: number, patch: Partial<Row>) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, ...patch } : r)));

  if (!editing) {
    return (
      <div className="space-y-3 text-sm" data-testid="grants">
        <div className="flex flex-wrap items-center gap-2">
          <GrantsBadge capabilities={capabilities} />
          {capabilities === null && <span className="text-xs text-amber-700 dark:text-amber-300">It may ask for any action on any resource.</span>}
          {canGrant && (
            <Button variant="secondary" className="ml-auto" onClick={() => (setNotice(null), setEditing(true))}>
              Change grants
            </Button>
          )}
        </div>
        {capabilities && capabilities.length > 0 && (
          <ul className="divide-y divide-slate-100 rounded-md border border-slate-200 dark:divide-slate-800 dark:border-slate-800" aria-label="Granted capabilities">
            {capabilities.map((g, i) => (
              <li key={i} className="flex flex-wrap items-center justify-between gap-2 px-3 py-1.5">
                <code className="font-mono text-xs">{g.action}</code>
                <span className="text-xs text-slate-500 dark:text-slate-400">{g.resources ? g.resources.join(", ") : "any resource"}</span>
              </li>
            ))}
          </ul>
        )}
        {notice && (
          <p role="status" className="text-xs text-slate-600 dark:text-slate-300">
            {notice}
          </p>
        )}
      </div>
    );
  }
  return (
    <form
      aria-label="Capability grants"
      className="space-y-3 text-sm"
      onSubmit={(e) => {
        e.preventDefault();
        save.mutate(restricted ? toCapabilities(rows) : null);
      }}
    >
      <label className="flex items-center gap-2">
        <input type="checkbox" checked={!restricted} onChange={(e) => setRestricted(!e.target.checked)} />
        Unrestricted (no grants: it may ask for anything)
      </label>
      {restricted && (
        <div className="space-y-2">
          <p className="text-xs text-slate-500 dark:text-slate-400">
            One grant per row: an action glob (<code>pricing.set_price</code>, <code>pricing.read_*</code>) and, optionally, resource globs separated by commas (<code>sku:LUX-*</code>). No rows: nothing granted.
          </p>
          {rows.map((r, i) => (
            <div key={i} className="flex flex-wrap items-center gap-2">
              <input aria-label={`Action glob ${i + 1}`} className={`${inputClass} max-w-[14rem] font-mono`} value={r.action} onChange={(e) => set(i, { action: e.target.value })} placeholder="pricing.set_price" />
              <input aria-label={`Resources ${i + 1}`} className={`${inputClass} min-w-[12rem] flex-1 font-mono`} value={r.resources} onChange={(e) => set(i, { resources: e.target.value })} placeholder="any resource" />
              <Button variant="ghost-danger" aria-label={`Remove grant ${i + 1}`} onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}>
                Remove
              </Button>
            </div>
          ))}
          <Button variant="secondary" onClick={() => setRows((rs) => [...rs, { action: "", resources: "" }])}>
            Add grant
          </Button>
        </div>
      )}
      <ErrorText error={save.errorMessage} />
      <div className="flex gap-2">
        <Button type="submit" disabled={save.isPending}>
          Save grants
        </Button>
        <Button variant="ghost" onClick={() => setEditing(false)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
