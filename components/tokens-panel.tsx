"use client";

import { useState } from "react";
import { api } from "./api.ts";
import { OneTimeSecret } from "./one-time-secret.tsx";
import { Badge, Button, ErrorText, Field, inputClass, Table, Td, Time } from "./ui/primitives.tsx";
import { useApiMutation } from "./use-api-mutation.ts";

type Token = { id: string; name: string; kind: string; prefix: string; expiresAt: string | null; lastUsedAt: string | null; revokedAt: string | null; createdAt: string };

export function TokensPanel({ tokens, canCreate }: { tokens: Token[]; canCreate: boolean }) {
  const [fresh, setFresh] = useState<string | null>(null);
  const create = useApiMutation((body: { name: string }) => api<{ token: string }>("/api/tokens", { body }), (r) => setFresh(r.token));
  const revoke = useApiMutation((id: string) => api(`/api/tokens/${id}`, { method: "DELETE" }));
  return (
    <div className="space-y-4">
      {canCreate && (
        <form action={(f) => create.mutate({ name: String(f.get("name") ?? "") })} className="flex items-end gap-2">
          <Field label="Token name"><input name="name" required placeholder="ci-pipeline" className={inputClass} /></Field>
          <Button type="submit" disabled={create.isPending}>Create token</Button>
        </form>
      )}
      {fresh && <OneTimeSecret label="API token" value={fresh} testId="one-time-token" />}
      <ErrorText error={create.errorMessage ?? revoke.errorMessage} />
      <Table head={["Name", "Kind", "Prefix", "Created", "Expires", "Last used", ""]}>
        {tokens.map((t) => (
          <tr key={t.id}>
            <Td>{t.name}</Td>
            <Td><Badge>{t.kind}</Badge></Td>
            <Td mono>{t.prefix}…</Td>
            <Td><Time iso={t.createdAt} /></Td>
            <Td><Time iso={t.expiresAt} /></Td>
            <Td><Time iso={t.lastUsedAt} /></Td>
            <Td className="text-right">
              {t.revokedAt ? <Badge tone="red">revoked</Badge> : <Button variant="ghost" onClick={() => revoke.mutate(t.id)}>Revoke</Button>}
            </Td>
          </tr>
        ))}
      </Table>
    </div>
  );
}
