"use client";

import { useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect } from "react";
import Link from "next/link";
import type { HaltSummary } from "@/lib/killswitch/index.ts";
import { api } from "./api.ts";
import { count, listOf } from "./ui/count.ts";

const REFRESH_MS = 3000;
const KEY = ["halt-summary"];

/**
 * The kill switch's state on every dashboard page. While everything is halted: a red banner
 * saying so, who halted it, when and why, and (for those allowed) where to resume. While only
 * cohorts or agents are halted: one small line counting them. Server-rendered with the page,
 * then kept live from GET /api/halt; a fresh server render (after a halt or resume on this
 * page refreshes it) replaces what the last poll said.
 */
export function HaltBanner({ initial, canResume }: { initial: HaltSummary; canResume: boolean }) {
  const client = useQueryClient();
  const q = useQuery({ queryKey: KEY, queryFn: () => api<HaltSummary>("/api/halt"), initialData: initial, refetchInterval: REFRESH_MS });
  useEffect(() => {
    client.setQueryData(KEY, initial);
  }, [client, initial]);
  const s = q.data;
  if (s.status === "halted") {
    return (
      <div role="alert" data-testid="global-halt-banner" className="border-b-2 border-red-800 bg-red-600 px-4 py-3 text-sm text-white md:px-8 dark:bg-red-700">
        <p>
          <strong className="font-semibold">Everything is halted: no agent may act.</strong> Every action is denied until everything is resumed.
        </p>
        <p className="mt-1 break-words">
          Halted{s.haltedBy ? <> by <span data-testid="halted-by" className="font-medium">{s.haltedBy}</span></> : null} on{" "}
          <time dateTime={s.haltedAt} className="tabular-nums">{s.haltedAt.slice(0, 16).replace("T", " ")} UTC</time>
          {s.reason ? <>: “<span data-testid="halt-reason">{s.reason}</span>”</> : null}.{" "}
          {canResume ? (
            <Link href="/cohorts" className="font-semibold underline underline-offset-2">
              Resume under Cohorts
            </Link>
          ) : (
            "An admin can resume it under Cohorts."
          )}
        </p>
      </div>
    );
  }
  const own = listOf([s.cohortsHalted ? count(s.cohortsHalted, "cohort") : "", s.agentsHalted ? count(s.agentsHalted, "agent") : ""].filter(Boolean));
  if (!own) return null;
  return (
    <p role="status" data-testid="halt-notice" className="border-b border-amber-200 bg-amber-50 px-4 py-1.5 text-xs text-amber-900 md:px-8 dark:border-amber-500/30 dark:bg-amber-500/10 dark:text-amber-200">
      {own} halted ·{" "}
      <Link href="/" className="font-medium underline underline-offset-2">
        see the overview
      </Link>
    </p>
  );
}
