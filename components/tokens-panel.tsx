"use client";

import { Fragment, useState } from "react";
import type { TokenView } from "@/lib/tokens/index.ts";
import { api } from "./api.ts";
import { Badge, StatusBadge } from "./ui/badge.tsx";
import { Button } from "./ui/button.tsx";
import { ErrorText, Field, inputClass } from "./ui/field.tsx";
import { OneTimeSecret } from "./ui/one-time-secret.tsx";
import { Empty, Table, Td } from "./ui/table.tsx";
import { Time } from "./ui/time.tsx";
import { submitWith } from "./submit-with.ts";
import { useApiMutation } from "./use-api-mutation.ts";
import { ConfirmRevokeRow } from "./ui/confirm-row.tsx";

/** The signed-in user's API tokens: create (admins; shown once) and revoke with a confirm step. */
export function TokensPanel({ tokens, canCreate }: { tokens: TokenView[]; canCreate: boolean }) {
  const [fresh, setFresh] = useState<string | null>(null);
  const [confirm, setConfirm] = useState<string | null>(null);
  const create = useApiMutation((body: { name: string }) => api<{ token: string }>("/api/tokens", { body }), (r) => setFresh(r.token));
  const revoke = useApiMutation((id: string) => api(`/api/tokens/${id}`, { method: "DELETE" }), () => setConfirm(null));
  return (
    <div>
      {(canCreate || fresh || revoke.errorMessage) && (
        <div className="space-y-3 border-b border-slate-200 p-4 dark:border-slate-800">
          {canCreate && (
            <form aria-label="Create token" onSubmit={submitWith((f, form) => create.mutate({ name: String(f.get("name") ?? "").trim() }, { onSuccess: () => form.reset() }))} className="flex flex-wrap items-end gap-2">
              <Field label="Token name" error={create.fieldErrors.name} className="min-w-[16rem] flex-1 sm:max-w-sm">
                <input name="name" required maxLength={100} placeholder="e.g. ci-pipeline" autoComplete="off" className={inputClass} />
              </Field>
              <Button type="submit" disabled={create.isPending}>
                {create.isPending ? "Creating…" : "Create token"}
              </Button>
            </form>
          )}
          {fresh && <OneTimeSecret label="API token" value={fresh} testId="one-time-token" storedAs="sha256" />}
          <ErrorText error={create.errorMessage ?? revoke.errorMessage} />
        </div>
      )}
      <Table label="API tokens" stack head={["Name", "Kind", "Prefix", "Created", "Expires", "Last used", "Status", ""]} empty={tokens.length === 0 ? <Empty>No tokens yet.</Empty> : null}>
        {tokens.map((t) => (
          <Fragment key={t.id}>
            <tr data-testid={`token-${t.name}`}>
              <Td className="font-medium">{t.name}</Td>
              <Td><Badge>{t.kind}</Badge></Td>
              <Td mono>{t.prefix}…</Td>
              <Td><Time iso={t.createdAt} /></Td>
              <Td><Time iso={t.expiresAt} /></Td>
              <Td><Time iso={t.lastUsedAt} /></Td>
              <Td><StatusBadge status={t.revokedAt ? "revoked" : t.expiresAt && t.expiresAt < new Date().toISOString() ? "expired" : "active"} /></Td>
              <Td className="text-right">
                {!t.revokedAt && confirm !== t.id && (
                  <Button variant="ghost-danger" onClick={() => setConfirm(t.id)} aria-label={`Revoke ${t.name}`}>
                    Revoke
                  </Button>
                )}
              </Td>
            </tr>
            {confirm === t.id && (
              <ConfirmRevokeRow colSpan={8} busy={revoke.isPending} onConfirm={() => revoke.mutate(t.id)} onCancel={() => setConfirm(null)}>
                Revoke “{t.name}”? Scripts using it get 401 from their next call.
              </ConfirmRevokeRow>
            )}
          </Fragment>
        ))}
      </Table>
    </div>
  );
}
