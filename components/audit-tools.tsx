"use client";

import { useMutation } from "@tanstack/react-query";
import { api, messageOf } from "./api.ts";
import { Badge, Button } from "./ui/primitives.tsx";

type Verify = { ok: true; events: number; head: string } | { ok: false; firstBadSeq: number; why: string; events: number };

export function VerifyChain() {
  const m = useMutation({ mutationFn: () => api<Verify>("/api/audit/verify") });
  return (
    <div className="flex flex-wrap items-center gap-3">
      <Button variant="secondary" onClick={() => m.mutate()} disabled={m.isPending}>
        {m.isPending ? "Verifying…" : "Verify chain"}
      </Button>
      <span role="status" data-testid="verify-result" className="text-sm">
        {m.data?.ok === true && (
          <span className="flex items-center gap-2">
            <Badge tone="green">verified</Badge> Chain verified — {m.data.events} events, head <code className="font-mono text-xs">{m.data.head.slice(0, 12)}…</code>
          </span>
        )}
        {m.data?.ok === false && (
          <span className="flex items-center gap-2 text-red-700">
            <Badge tone="red">broken</Badge> First bad event: seq {m.data.firstBadSeq} — {m.data.why}
          </span>
        )}
        {m.error && <span className="text-red-700">{messageOf(m.error)}</span>}
      </span>
    </div>
  );
}
