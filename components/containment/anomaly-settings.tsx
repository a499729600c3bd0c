"use client";

import { useState } from "react";
import type { AnomalySettings } from "@/lib/anomalies/index.ts";
import { api } from "../api.ts";
import { Button } from "../ui/button.tsx";
import { ErrorText, Field, inputClass } from "../ui/field.tsx";
import { useApiMutation } from "../use-api-mutation.ts";

/** When an agent's hour counts as unusual against its 7-day baseline (admins edit; audited). */
export function AnomalySettingsPanel({ settings, canEdit }: { settings: AnomalySettings; canEdit: boolean }) {
  const [f, setF] = useState({ factor: String(settings.factor), minVolume: String(settings.minVolume), minHistoryHours: String(settings.minHistoryHours) });
  const [saved, setSaved] = useState(false);
  const m = useApiMutation((body: AnomalySettings) => api("/api/settings/anomalies", { method: "PUT", body }), () => setSaved(true));
  const set = (k: keyof typeof f) => (e: { target: { value: string } }) => (setSaved(false), setF((s) => ({ ...s, [k]: e.target.value })));
  return (
    <form
      aria-label="Unusual access settings"
      className="grid gap-3 text-sm sm:grid-cols-3"
      onSubmit={(e) => {
        e.preventDefault();
        m.mutate({ factor: Number(f.factor), minVolume: Number(f.minVolume), minHistoryHours: Number(f.minHistoryHours) });
      }}
    >
      <Field label="Factor over the hourly p99" error={m.fieldErrors.factor}>
        <input className={inputClass} type="number" step="any" min="1.5" value={f.factor} onChange={set("factor")} disabled={!canEdit} />
      </Field>
      <Field label="Minimum volume per hour" error={m.fieldErrors.minVolume}>
        <input className={inputClass} type="number" min="1" value={f.minVolume} onChange={set("minVolume")} disabled={!canEdit} />
      </Field>
      <Field label="History needed (hours)" hint="Before it, nothing an agent does counts as new." error={m.fieldErrors.minHistoryHours}>
        <input className={inputClass} type="number" min="1" max="168" value={f.minHistoryHours} onChange={set("minHistoryHours")} disabled={!canEdit} />
      </Field>
      {canEdit && (
        <div className="sm:col-span-3">
          <ErrorText error={m.errorMessage} />
          <div className="flex items-center gap-3">
            <Button type="submit" disabled={m.isPending}>Save</Button>
            {saved && <span role="status" className="text-xs text-slate-500">Saved</span>}
          </div>
        </div>
      )}
    </form>
  );
}
