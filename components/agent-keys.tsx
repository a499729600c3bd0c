"use client";

import { Fragment, useState } from "react";
import type { AgentKeyView } from "@/lib/agents/index.ts";
import { api } from "./api.ts";
import { StatusBadge } from "./ui/badge.tsx";
import { Button } from "./ui/button.tsx";
import { ErrorText } from "./ui/field.tsx";
import { OneTimeSecret } from "./ui/one-time-secret.tsx";
import { Table, Td } from "./ui/table.tsx";
import { Time } from "./ui/time.tsx";
import { useApiMutation } from "./use-api-mutation.ts";
import { ConfirmRevokeRow } from "./ui/confirm-row.tsx";

/**
 * Whether an older active key is still in use since the newest key was issued — what the
 * "rotate, then revoke the old key once the agent uses the new one" advice needs. Last use is
 * recorded with minute resolution (lib/agents key-use.ts).
 */
function KeyUseHint({ k, newest }: { k: AgentKeyView; newest: AgentKeyView | null }) {
  if (k.revokedAt || !newest || newest.id === k.id) return null;
  const usedSince = k.lastUsedAt !== null && k.lastUsedAt >= newest.createdAt;
  return (
    <div data-testid={`key-use-${k.prefix}`} className={`text-xs ${usedSince ? "text-amber-700 dark:text-amber-300" : "text-emerald-700 dark:text-emerald-300"}`}>
      {usedSince ? `still used after ${newest.prefix}… was issued` : `no use recorded since ${newest.prefix}… was issued`}
    </div>
  );
}

/** An agent's keys: rotate (a new key, shown once) and revoke with a confirm step. */
export function AgentKeys({ agentId, keys, canWrite }: { agentId: string; keys: AgentKeyView[]; canWrite: boolean }) {
  const [fresh, setFresh] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  const rotate = useApiMutation(() => api<{ apiKey: string }>(`/api/agents/${agentId}/keys`, { method: "POST" }), (r) => setFresh(r.apiKey));
  const revoke = useApiMutation((keyId: string) => api(`/api/agents/${agentId}/keys/${keyId}`, { method: "DELETE" }), () => setConfirm(null));
  const active = keys.filter((k) => !k.revokedAt).length;
  const newest = keys.filter((k) => !k.revokedAt).reduce<AgentKeyView | null>((a, k) => (!a || k.createdAt > a.createdAt ? k : a), null);
  return (
    <div>
      {(canWrite || fresh) && (
        <div className="space-y-3 border-b border-slate-200 p-4 dark:border-slate-800">
          {canWrite && (
            <div className="flex flex-wrap items-center gap-3">
              <Button variant="secondary" onClick={() => rotate.mutate(undefined)} disabled={rotate.isPending}>
                {rotate.isPending ? "Rotating…" : "Rotate key"}
              </Button>
              <span className="text-xs text-slate-500 dark:text-slate-400">
                {active} active {active === 1 ? "key" : "keys"}. Older keys keep working until you revoke them: revoke one once its last use is before the new key was issued (last use is recorded to the minute).
              </span>
            </div>
          )}
          {fresh && <OneTimeSecret label="New agent API key" value={fresh} testId="one-time-key" storedAs="sha256" />}
          <ErrorText error={rotate.errorMessage ?? revoke.errorMessage} />
        </div>
      )}
      <Table label="Agent keys" stack head={["Key", "Created", "Last used", "Status", ""]}>
        {keys.map((k) => (
          <Fragment key={k.id}>
            <tr data-testid={`key-${k.prefix}`}>
              <Td mono>{k.prefix}…</Td>
              <Td>
                <Time iso={k.createdAt} />
                {k.createdBy && <div className="text-xs text-slate-500 dark:text-slate-400">by {k.createdBy}</div>}
              </Td>
              <Td>
                <Time iso={k.lastUsedAt} />
                <KeyUseHint k={k} newest={newest} />
              </Td>
              <Td>
                <StatusBadge status={k.revokedAt ? "revoked" : "active"} />
              </Td>
              <Td className="text-right">
                {canWrite && !k.revokedAt && confirm !== k.id && (
                  <Button variant="ghost-danger" onClick={() => setConfirm(k.id)} aria-label={`Revoke ${k.prefix}`}>
                    Revoke
                  </Button>
                )}
              </Td>
            </tr>
            {confirm === k.id && (
              <ConfirmRevokeRow colSpan={5} busy={revoke.isPending} onConfirm={() => revoke.mutate(k.id)} onCancel={() => setConfirm(null)}>
                Revoke <code className="font-mono text-xs">{k.prefix}…</code>? An agent still using it gets 401 from its next call.
              </ConfirmRevokeRow>
            )}
          </Fragment>
        ))}
      </Table>
    </div>
  );
}
