"use client";

import Link from "next/link";
import type { CapabilityChangeView } from "@/lib/capability-changes/index.ts";
import { api } from "../api.ts";
import { Button } from "../ui/button.tsx";
import { ErrorText } from "../ui/field.tsx";
import { Empty } from "../ui/table.tsx";
import { Time } from "../ui/time.tsx";
import { useApiMutation } from "../use-api-mutation.ts";

const grants = (g: CapabilityChangeView["added"]) => (g === "everything" ? "everything (unrestricted)" : g.map((x) => `${x.action}${x.resources ? ` on ${x.resources.join(", ")}` : ""}`).join("; "));

/** Owners' requests to widen their agents' grants; someone else confirms or rejects each. */
export function CapabilityChanges({ changes, canDecide }: { changes: CapabilityChangeView[]; canDecide: boolean }) {
  const decide = useApiMutation(({ id, decision }: { id: string; decision: "confirm" | "reject" }) => api(`/api/capability-changes/${id}`, { body: { decision } }));
  if (changes.length === 0) return <Empty>No request to widen grants is waiting.</Empty>;
  return (
    <div>
      <ul className="divide-y divide-slate-100 text-sm dark:divide-slate-800" aria-label="Grant requests">
        {changes.map((c) => (
          <li key={c.id} className="flex flex-wrap items-center justify-between gap-3 px-4 py-2.5">
            <div className="min-w-0">
              <Link className="link font-mono" href={`/agents/${c.agentId}`}>{c.agentName}</Link>
              <span className="ml-2 text-xs text-slate-500">asked by {c.requestedBy}, <Time iso={c.createdAt} /></span>
              <div className="text-xs text-slate-600 dark:text-slate-300">adds: {grants(c.added)}</div>
            </div>
            {canDecide && (
              <span className="flex gap-2">
                <Button variant="secondary" onClick={() => decide.mutate({ id: c.id, decision: "confirm" })} disabled={decide.isPending}>Confirm</Button>
                <Button variant="ghost-danger" onClick={() => decide.mutate({ id: c.id, decision: "reject" })} disabled={decide.isPending}>Reject</Button>
              </span>
            )}
          </li>
        ))}
      </ul>
      <div className="px-4 pb-3"><ErrorText error={decide.errorMessage} /></div>
    </div>
  );
}
