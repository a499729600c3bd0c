"use client";

import { useState } from "react";
import { api } from "./api.ts";
import { OneTimeSecret } from "./one-time-secret.tsx";
import { Badge, Button, ErrorText, Table, Td, Time } from "./ui/primitives.tsx";
import { useApiMutation } from "./use-api-mutation.ts";

type Key = { id: string; prefix: string; createdAt: string; lastUsedAt: string | null; revokedAt: string | null; createdBy: string | null };

export function AgentKeys({ agentId, keys, canWrite }: { agentId: string; keys: Key[]; canWrite: boolean }) {
  const [fresh, setFresh] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  const rotate = useApiMutation(() => api<{ apiKey: string }>(`/api/agents/${agentId}/keys`, { method: "POST" }), (r) => setFresh(r.apiKey));
  const revoke = useApiMutation((keyId: string) => api(`/api/agents/${agentId}/keys/${keyId}`, { method: "DELETE" }), () => setConfirm(null));
  return (
    <div className="space-y-4">
      {canWrite && (
        <div className="flex items-center gap-3">
          <Button variant="secondary" onClick={() => rotate.mutate(undefined)} disabled={rotate.isPending}>
            Rotate key
          </Button>
          <span className="text-xs text-slate-500">Older keys keep working until you revoke them.</span>
        </div>
      )}
      {fresh && <OneTimeSecret label="New agent API key" value={fresh} testId="one-time-key" />}
      <ErrorText error={rotate.errorMessage ?? revoke.errorMessage} />
      <Table head={["Key", "Created", "Last used", "Status", ""]}>
        {keys.map((k) => (
          <tr key={k.id} data-testid={`key-${k.prefix}`}>
            <Td mono>{k.prefix}…</Td>
            <Td>
              <Time iso={k.createdAt} />
              {k.createdBy && <div className="text-xs text-slate-500">by {k.createdBy}</div>}
            </Td>
            <Td><Time iso={k.lastUsedAt} /></Td>
            <Td>{k.revokedAt ? <Badge tone="red">revoked</Badge> : <Badge tone="green">active</Badge>}</Td>
            <Td className="text-right">
              {canWrite && !k.revokedAt &&
                (confirm === k.id ? (
                  <span className="inline-flex gap-2">
                    <Button variant="danger" onClick={() => revoke.mutate(k.id)} disabled={revoke.isPending}>
                      Confirm revoke
                    </Button>
                    <Button variant="ghost" onClick={() => setConfirm(null)}>Cancel</Button>
                  </span>
                ) : (
                  <Button variant="ghost" onClick={() => setConfirm(k.id)} aria-label={`Revoke ${k.prefix}`}>
                    Revoke
                  </Button>
                ))}
            </Td>
          </tr>
        ))}
      </Table>
    </div>
  );
}
