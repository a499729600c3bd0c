"use client";

import { useQuery } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { ApprovalItem } from "@/lib/approvals/index.ts";
import { api, messageOf } from "../api.ts";
import { Badge, statusTone } from "../ui/badge.tsx";
import { ErrorText } from "../ui/field.tsx";
import { Time } from "../ui/time.tsx";
import { ApprovalCard } from "./approval-card.tsx";

type Page = { approvals: ApprovalItem[] };

/** One action's approval, live: the card while it is pending, its outcome once decided. */
export function ApprovalFocus({ actionId, canDecide, decideNote = null, decide }: { actionId: string; canDecide: boolean; decideNote?: string | null; decide: "approve" | "reject" | null }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(t);
  }, []);
  const pending = useQuery({ queryKey: ["approval", actionId, "pending"], queryFn: () => api<Page>(`/api/approvals?status=pending&id=${encodeURIComponent(actionId)}`), refetchInterval: 1000 });
  const item = pending.data?.approvals[0];
  const decided = useQuery({
    queryKey: ["approval", actionId, "decided"],
    queryFn: () => api<Page>(`/api/approvals?status=decided&id=${encodeURIComponent(actionId)}`),
    enabled: pending.isSuccess && !item,
    refetchInterval: 3000,
  });
  if (pending.error) return <ErrorText error={messageOf(pending.error)} />;
  if (item) return <ApprovalCard item={item} selected canDecide={canDecide} decideNote={decideNote} now={now} initialDecision={decide} />;
  const done = decided.data?.approvals[0];
  if (!pending.isSuccess || decided.isLoading) return <p className="text-sm text-slate-500">Loading…</p>;
  return (
    <div data-testid="approval-outcome" className="rounded-xl border border-slate-200 bg-white p-4 text-sm dark:border-slate-800 dark:bg-slate-900">
      {done ? (
        <>
          <p>
            <Badge tone={statusTone(done.status)}>{done.outcome?.label ?? done.status}</Badge> <Time iso={done.decidedAt} />
          </p>
          <ul className="mt-2 text-xs text-slate-600 dark:text-slate-300">
            {done.votes.map((v) => (
              <li key={v.userId}>
                {v.vote === "approve" ? "✓" : "✗"} {v.name} ({v.email}){v.override ? " · admin override" : ""}
                {v.comment ? ` — “${v.comment}”` : ""}
              </li>
            ))}
          </ul>
        </>
      ) : (
        <p>This action is not waiting for an approval.</p>
      )}
    </div>
  );
}
