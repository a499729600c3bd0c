"use client";

import { useMutation } from "@tanstack/react-query";
import { api, messageOf } from "./api.ts";
import { Badge } from "./ui/badge.tsx";
import { Button } from "./ui/button.tsx";

type Verify = { ok: true; events: number; head: string } | { ok: false; firstBadSeq: number; why: string; events?: number };

/** Re-computes the hash chain on the server and says whether the log is intact. */
export function VerifyChain() {
  const m = useMutation({ mutationFn: () => api<Verify>("/api/audit/verify") });
  return (
    <div className="flex flex-wrap items-center justify-end gap-3">
      <span role="status" data-testid="verify-result" className="text-sm">
        {m.data?.ok === true && (
          <span className="flex items-center gap-2 text-emerald-700 dark:text-emerald-300">
            <Badge tone="green" dot>
              intact
            </Badge>
            Chain verified — {m.data.events.toLocaleString("en-GB")} events, head <code className="font-mono text-xs">{m.data.head.slice(0, 12)}…</code>
          </span>
        )}
        {m.data?.ok === false && (
          <span className="flex items-center gap-2 text-red-700 dark:text-red-300">
            <Badge tone="red" dot>
              broken
            </Badge>
            Chain broken at seq {m.data.firstBadSeq}: {m.data.why}
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
