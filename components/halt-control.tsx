"use client";

import { useState } from "react";
import { api } from "./api.ts";
import { Button } from "./ui/button.tsx";
import { ErrorText, inputClass } from "./ui/field.tsx";
import { useApiMutation } from "./use-api-mutation.ts";

/**
 * The kill switch for one agent, a cohort or everything: a button, then a confirm step that
 * asks why (the reason is audited and shown to the halted agents).
 */
export function HaltControl({ path, halted, what, prominent = true }: { path: string; halted: boolean; what: string; prominent?: boolean }) {
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState("");
  const m = useApiMutation((body: { reason?: string }) => api(`${path}/${halted ? "resume" : "halt"}`, { body }), () => {
    setConfirming(false);
    setReason("");
  });
  if (!confirming) {
    return (
      // Compact buttons (one per cohort card) say just "Halt"; the accessible name says what.
      <Button variant={halted ? "secondary" : prominent ? "danger" : "danger-outline"} onClick={() => setConfirming(true)} aria-label={halted ? `Resume ${what}` : `Halt ${what}`}>
        {prominent ? (halted ? `Resume ${what}` : `Halt ${what}`) : halted ? "Resume" : "Halt"}
      </Button>
    );
  }
  const tone = halted ? "border-slate-200 bg-slate-50 dark:border-slate-700 dark:bg-slate-800/50" : "border-red-200 bg-red-50 dark:border-red-500/30 dark:bg-red-500/10";
  return (
    <form
      aria-label={halted ? `Resume ${what}` : `Halt ${what}`}
      className={`flex w-full flex-col gap-2 rounded-lg border p-3 sm:w-[28rem] ${tone}`}
      onSubmit={(e) => {
        e.preventDefault();
        m.mutate(halted ? (reason ? { reason } : {}) : { reason });
      }}
    >
      <label className="text-sm font-medium">
        {halted ? `Why resume ${what}? (optional)` : `Why halt ${what}? Agents see this reason.`}
        <input
          aria-label={halted ? "Resume reason" : "Halt reason"}
          className={`${inputClass} mt-1`}
          value={reason}
          onChange={(e) => setReason(e.target.value)}
          required={!halted}
          minLength={halted ? undefined : 3}
          placeholder={halted ? "e.g. feed fixed" : "e.g. supplier feed is corrupt"}
          autoFocus
        />
      </label>
      <ErrorText error={m.errorMessage} />
      <div className="flex gap-2">
        <Button type="submit" variant={halted ? "primary" : "danger"} disabled={m.isPending}>
          {halted ? "Confirm resume" : "Confirm halt"}
        </Button>
        <Button variant="ghost" onClick={() => setConfirming(false)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
