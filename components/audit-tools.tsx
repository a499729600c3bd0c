"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import type { LastVerification } from "@/lib/audit/index.ts";
import { api, messageOf } from "./api.ts";
import { Badge } from "./ui/badge.tsx";
import { Button } from "./ui/button.tsx";
import { count } from "./ui/count.ts";
import { Time } from "./ui/time.tsx";

type Verify =
  | { ok: true; scope: "full" | "incremental"; events: number; head: string; verifiedAt: string }
  | { ok: false; scope: "full" | "incremental"; firstBadSeq: number | null; why: string; events: number; verifiedAt: string };

const fromResult = (r: Verify, actor: string): LastVerification => ({
  at: r.verifiedAt,
  scope: r.scope,
  ok: r.ok,
  events: r.events,
  head: r.ok ? r.head : null,
  firstBadSeq: r.ok ? null : r.firstBadSeq,
  why: r.ok ? null : r.why,
  actor,
});

/**
 * The chain's verification badge: the last recorded verification (ok with its head, or where
 * it broke), and a button that verifies what arrived since the last passing one on the
 * server. `npm run audit:verify` re-proves the whole chain from genesis.
 */
export function VerifyChain({ last: initial }: { last: LastVerification | null }) {
  const [last, setLast] = useState(initial);
  const m = useMutation({
    mutationFn: () => api<Verify>("/api/audit/verify", { method: "POST", body: { scope: "incremental" } }),
    onSuccess: (r) => setLast(fromResult(r, "you")),
  });
  return (
    <div className="flex flex-wrap items-center justify-end gap-3">
      <span role="status" data-testid="verify-result" className="text-sm">
        {last === null && (
          <span className="flex items-center gap-2 text-slate-600 dark:text-slate-300">
            <Badge tone="gray" dot>
              not verified yet
            </Badge>
          </span>
        )}
        {last?.ok === true && (
          <span className="flex flex-wrap items-center gap-2 text-emerald-700 dark:text-emerald-300">
            <Badge tone="green" dot>
              intact
            </Badge>
            <span>
              Verified <Time iso={last.at} /> UTC{last.scope === "incremental" ? ` (${count(last.events, "new event")} checked)` : ` (${count(last.events, "event")})`} · head{" "}
              <code className="font-mono text-xs" title={last.head ?? ""}>{last.head?.slice(0, 12)}…</code>
            </span>
          </span>
        )}
        {last?.ok === false && (
          <span className="flex flex-wrap items-center gap-2 text-red-700 dark:text-red-300">
            <Badge tone="red" dot>
              broken
            </Badge>
            {last.firstBadSeq === null ? "Chain broken" : `Chain broken at seq ${last.firstBadSeq}`}: {last.why}
          </span>
        )}
        {m.error && <span className="text-red-700 dark:text-red-300">{messageOf(m.error)}</span>}
      </span>
      <Button variant="secondary" onClick={() => m.mutate()} disabled={m.isPending}>
        {m.isPending ? "Verifying…" : "Verify chain"}
      </Button>
    </div>
  );
}
