"use client";

import { useQuery } from "@tanstack/react-query";
import { api } from "./api.ts";

/** The live number of actions waiting for a human, for the navigation. */
export function PendingCount() {
  const q = useQuery({ queryKey: ["approvals-count"], queryFn: () => api<{ pending: number }>("/api/approvals/count"), refetchInterval: 1500 });
  if (!q.data?.pending) return null;
  return (
    <span data-testid="pending-count" className="ml-auto rounded-full bg-amber-500 px-2 py-0.5 text-xs font-semibold text-white">
      {q.data.pending}
    </span>
  );
}
