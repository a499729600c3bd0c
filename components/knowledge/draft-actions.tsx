"use client";

import { useState } from "react";
import { api } from "../api.ts";
import { Button } from "../ui/button.tsx";
import { ErrorText, Field, inputClass } from "../ui/field.tsx";
import { useApiMutation } from "../use-api-mutation.ts";

/**
 * Approve (publish) or reject an open draft. The author sees why they can't approve their own
 * draft (two-person rule) and may withdraw it.
 */
export function DraftActions({ set, id, canApprove, isAuthor }: { set: string; id: string; canApprove: boolean; isAuthor: boolean }) {
  const [comment, setComment] = useState("");
  const base = `/api/knowledge/${encodeURIComponent(set)}/drafts/${encodeURIComponent(id)}`;
  const approve = useApiMutation(() => api(`${base}/approve`, { body: comment.trim() ? { comment: comment.trim() } : {} }));
  const reject = useApiMutation(() => api(`${base}/reject`, { body: comment.trim() ? { comment: comment.trim() } : {} }));
  if (!canApprove && !isAuthor) return <p className="text-sm text-slate-500">Waiting for an approver.</p>;
  return (
    <div className="space-y-3">
      {isAuthor && <p className="text-sm text-slate-600 dark:text-slate-300">You proposed this draft: someone else must approve it (two-person rule). You can withdraw it.</p>}
      <Field label="Comment">
        <input value={comment} onChange={(e) => setComment(e.target.value)} className={inputClass} placeholder="Checked against the ERP export" />
      </Field>
      <div className="flex gap-2">
        {canApprove && !isAuthor && (
          <Button disabled={approve.isPending} onClick={() => approve.mutate(undefined)}>
            Approve and publish
          </Button>
        )}
        <Button variant="danger-outline" disabled={reject.isPending} onClick={() => reject.mutate(undefined)}>
          {isAuthor ? "Withdraw draft" : "Reject draft"}
        </Button>
      </div>
      <ErrorText error={approve.errorMessage ?? reject.errorMessage} />
    </div>
  );
}
