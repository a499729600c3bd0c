"use client";

import { useState } from "react";
import { api } from "./api.ts";
import { Button, ErrorText, inputClass } from "./ui/primitives.tsx";
import { useApiMutation } from "./use-api-mutation.ts";

/**
 * The kill switch for one agent, a cohort or everything: a big button, then a confirm step
 * that asks why (the reason is audited).
 */
export function HaltControl({ path, halted, what }: { path: string; halted: boolean; what: string }) {
  const [confirming, setConfirming] = useState(false);
  const [reason, setReason] = useState("");
  const m = useApiMutation((body: { reason?: string }) => api(`${path}/${halted ? "resume" : "halt"}`, { body }), () => {
    setConfirming(false);
    setReason("");
  });
  if (!confirming) {
    return (
      <Button variant={halted ? "secondary" : "danger"} className="px-4 py-2" onClick={() => setConfirming(true)}>
        {halted ? `Resume ${what}` : `Halt ${what}`}
      </Button>
    );
  }
  return (
    <form
      className="flex w-full max-w-xl flex-col gap-2 rounded-lg border border-red-200 bg-red-50/50 p-3 dark:border-red-500/30 dark:bg-red-500/5"
      onSubmit={(e) => {
        e.preventDefault();
        m.mutate(halted ? (reason ? { reason } : {}) : { reason });
      }}
    >
      <label className="text-sm font-medium">
        {halted ? `Why resume ${what}? (optional)` : `Why halt ${what}?`}
        <input aria-label={halted ? "Resume reason" : "Halt reason"} className={`${inputClass} mt-1`} value={reason} onChange={(e) => setReason(e.target.value)} required={!halted} minLength={halted ? undefined : 3} autoFocus />
      </label>
      <ErrorText error={m.errorMessage} />
      <div className="flex gap-2">
        <Button type="submit" variant={halted ? "primary" : "danger"} disabled={m.isPending}>
          {halted ? "Confirm resume" : "Confirm halt"}
        </Button>
        <Button type="button" variant="ghost" onClick={() => setConfirming(false)}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
