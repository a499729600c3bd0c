"use client";

import { useState } from "react";
import type { RolloutView } from "@/lib/releases/index.ts";
import { api } from "../api.ts";
import { Button } from "../ui/button.tsx";
import { ErrorText, inputClass } from "../ui/field.tsx";
import { useApiMutation } from "../use-api-mutation.ts";

type Control = "pause" | "resume" | "promote" | "rollback" | "end";

const LABELS: Record<Control, string> = { pause: "Pause", resume: "Resume", promote: "Promote", rollback: "Roll back", end: "End experiment" };

/** An operator's controls on a running or paused rollout; each asks why (audited). */
export function RolloutControls({ rollout, onDone }: { rollout: RolloutView; onDone: () => void }) {
  const [control, setControl] = useState<Control | null>(null);
  const [reason, setReason] = useState("");
  const m = useApiMutation((c: { control: Control; reason: string }) => api(`/api/rollouts/${rollout.id}/${c.control}`, { body: { reason: c.reason } }), () => {
    setControl(null);
    setReason("");
    onDone();
  });
  const available: Control[] = [rollout.status === "running" ? "pause" : "resume", "promote", "rollback", ...(rollout.mode === "experiment" ? (["end"] as const) : [])];
  if (!control) {
    return (
      <div className="flex flex-wrap gap-2">
        {available.map((c) => (
          <Button key={c} variant={c === "rollback" ? "danger-outline" : "secondary"} onClick={() => setControl(c)}>
            {LABELS[c]}
          </Button>
        ))}
      </div>
    );
  }
  return (
    <form
      aria-label={`${LABELS[control]} rollout`}
      className="flex w-full flex-col gap-2 rounded-lg border border-slate-200 p-3 sm:w-[28rem] dark:border-slate-700"
      onSubmit={(e) => {
        e.preventDefault();
        m.mutate({ control, reason });
      }}
    >
      <label className="text-sm font-medium">
        Why {LABELS[control].toLowerCase()}? (audited)
        <input aria-label="Reason" className={`${inputClass} mt-1`} value={reason} onChange={(e) => setReason(e.target.value)} required autoFocus />
      </label>
      <ErrorText error={m.errorMessage} />
      <div className="flex gap-2">
        <Button type="submit" variant={control === "rollback" ? "danger" : "primary"} disabled={m.isPending}>
          Confirm {LABELS[control].toLowerCase()}
        </Button>
        <Button variant="ghost" onClick={() => setControl(null)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
