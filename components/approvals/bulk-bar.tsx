"use client";

import { useState } from "react";
import type { ApprovalItem } from "@/lib/approvals/index.ts";
import { api } from "../api.ts";
import { Button } from "../ui/button.tsx";
import { ErrorText, inputClass } from "../ui/field.tsx";
import { useApiMutation } from "../use-api-mutation.ts";
import { spreadText } from "./format.ts";

/** Similar requests: the same agent, action and holding policies (what POST /api/approvals/bulk accepts together). */
export const groupKey = (i: ApprovalItem) => JSON.stringify([i.agent.id, i.action, i.policyIds, i.handoff !== null]);

/**
 * Approval fatigue: groups of similar requests the caller can act on, each with how many and
 * the spread of their numbers, a "select all", and for the selection one comment and one
 * decision. Never across policies (the server refuses it too).
 */
export function BulkBar({ items, picked, onPick }: { items: ApprovalItem[]; picked: ApprovalItem[]; onPick: (ids: string[]) => void; now: number }) {
  const [comment, setComment] = useState("");
  const [confirm, setConfirm] = useState<"approve" | "reject" | null>(null);
  const m = useApiMutation(
    (decision: "approve" | "reject") => api<{ count: number }>("/api/approvals/bulk", { body: { actionIds: picked.map((p) => p.actionId), decision, comment } }),
    () => {
      onPick([]);
      setConfirm(null);
      setComment("");
    },
  );
  const actionable = items.filter((i) => i.you?.canAct);
  const groups = new Map<string, ApprovalItem[]>();
  for (const i of actionable) groups.set(groupKey(i), [...(groups.get(groupKey(i)) ?? []), i]);
  const similar = [...groups.values()].filter((g) => g.length > 1);
  if (similar.length === 0 && picked.length === 0) return null;
  return (
    <div className="space-y-2">
      {picked.length === 0 &&
        similar.map((g) => (
          <div key={groupKey(g[0]!)} data-testid="similar-group" className="flex flex-wrap items-center gap-3 rounded-lg border border-dashed border-slate-300 px-3 py-2 text-sm dark:border-slate-700">
            <span>
              <strong>{g.length} similar</strong>: {g[0]!.agent.name} · <span className="font-mono">{g[0]!.action}</span>
              <span className="text-slate-500"> · {spreadText(g.map((i) => i.approvedInput ?? i.input))}</span>
            </span>
            <Button variant="secondary" className="ml-auto" onClick={() => onPick(g.map((i) => i.actionId))}>
              Select all {g.length}
            </Button>
          </div>
        ))}
      {picked.length > 0 && (
        <div role="region" aria-label="Bulk decision" className="space-y-2 rounded-lg border border-brand-300 bg-brand-50/50 px-3 py-2 text-sm dark:border-brand-500/40 dark:bg-brand-500/5">
          <p data-testid="bulk-summary">
            <strong>{picked.length} selected</strong> · {picked[0]!.agent.name} · <span className="font-mono">{picked[0]!.action}</span>
            <span className="text-slate-500"> · {spreadText(picked.map((i) => i.approvedInput ?? i.input))}</span>
          </p>
          <div className="flex flex-wrap items-end gap-2">
            <textarea aria-label="Comment for all" rows={1} maxLength={2000} value={comment} onChange={(e) => setComment(e.target.value)} placeholder="One comment for all (required)" className={`${inputClass} min-w-[14rem] flex-1`} />
            {confirm ? (
              <>
                <Button variant={confirm === "approve" ? "primary" : "danger"} disabled={m.isPending || comment.trim() === ""} onClick={() => m.mutate(confirm)}>
                  Confirm {confirm} {picked.length}
                </Button>
                <Button variant="ghost" onClick={() => setConfirm(null)}>Cancel</Button>
              </>
            ) : (
              <>
                <Button disabled={comment.trim() === ""} onClick={() => setConfirm("approve")}>Approve {picked.length}</Button>
                <Button variant="danger" disabled={comment.trim() === ""} onClick={() => setConfirm("reject")}>Reject {picked.length}</Button>
                <Button variant="ghost" onClick={() => onPick([])}>Clear</Button>
              </>
            )}
          </div>
          <ErrorText error={m.errorMessage} />
        </div>
      )}
    </div>
  );
}
