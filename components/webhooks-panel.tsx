"use client";

import { useState } from "react";
import type { WebhookView } from "@/lib/webhooks/index.ts";
import { api } from "./api.ts";
import { OneTimeSecret } from "./ui/one-time-secret.tsx";
import { Badge, statusTone } from "./ui/badge.tsx";
import { Button } from "./ui/button.tsx";
import { ErrorText, Field, inputClass } from "./ui/field.tsx";
import { Time } from "./ui/time.tsx";
import { submitWith } from "./submit-with.ts";
import { useApiMutation } from "./use-api-mutation.ts";
import { ConfirmBox } from "./ui/confirm-row.tsx";


/** `events`: the catalogue (lib/webhooks WEBHOOK_EVENTS), handed down by the server page. */
export function WebhooksPanel({ webhooks, events }: { webhooks: WebhookView[]; events: readonly string[] }) {
  const [secret, setSecret] = useState<string | null>(null);
  const create = useApiMutation((body: { url: string; events: string[]; format: string }) => api<{ secret: string }>("/api/webhooks", { body }), (r) => setSecret(r.secret));
  const [confirm, setConfirm] = useState<string | null>(null);
  const remove = useApiMutation((id: string) => api(`/api/webhooks/${id}`, { method: "DELETE" }), () => setConfirm(null));
  return (
    <div className="space-y-4">
      <form aria-label="Add webhook" onSubmit={submitWith((f) => create.mutate({ url: String(f.get("url") ?? ""), events: f.getAll("events").map(String), format: String(f.get("format") ?? "json") }))} className="space-y-3">
        <Field label="Endpoint URL" hint="Public addresses only; intranet receivers need WARDEN_WEBHOOK_ALLOWED_HOSTS"><input name="url" type="url" required placeholder="https://chat.example.com/hooks/warden" className={inputClass} /></Field>
        <Field label="Format" hint="Slack: a Block Kit message for a Slack-compatible incoming webhook, with Approve / Reject links to the approval page">
          <select name="format" defaultValue="json" className={inputClass}>
            <option value="json">Warden JSON (signed)</option>
            <option value="slack">Slack (Block Kit)</option>
          </select>
        </Field>
        <fieldset className="flex flex-wrap gap-3 text-sm">
          <legend className="mb-1 font-medium">Events</legend>
          {events.map((e) => (
            <label key={e} className="flex items-center gap-1.5"><input type="checkbox" name="events" value={e} defaultChecked={e.startsWith("approval")} /> {e}</label>
          ))}
        </fieldset>
        <Button type="submit" disabled={create.isPending}>Add webhook</Button>
      </form>
      {secret && <OneTimeSecret label="Signing secret" value={secret} testId="webhook-secret" storedAs="as-written" />}
      <p className="text-xs text-slate-500">Each delivery carries <code>X-Warden-Timestamp</code> and <code>X-Warden-Signature: v1=HMAC-SHA256(secret, timestamp + &quot;.&quot; + body)</code>; failures are retried with backoff (8 attempts).</p>
      <ErrorText error={create.errorMessage ?? remove.errorMessage} />
      {webhooks.map((w) => (
        <div key={w.id} className="rounded-lg border border-slate-200 p-3 text-sm dark:border-slate-800">
          <div className="flex items-center justify-between gap-2">
            <span className="font-mono text-xs">{w.url}</span>
            {confirm !== w.id && (
              <Button variant="ghost-danger" onClick={() => setConfirm(w.id)} aria-label={`Delete webhook ${w.url}`}>
                Delete
              </Button>
            )}
          </div>
          {confirm === w.id && (
            <ConfirmBox confirmLabel="Confirm delete" busy={remove.isPending} onConfirm={() => remove.mutate(w.id)} onCancel={() => setConfirm(null)}>
              Delete this webhook? Its delivery history and pending deliveries go with it, and {w.url} gets no more events.
            </ConfirmBox>
          )}
          <div className="mt-1 flex flex-wrap gap-1">
            {w.format === "slack" && <Badge tone="green">slack</Badge>}
            {w.events.map((e) => <Badge key={e} tone="blue">{e}</Badge>)}
          </div>
          <ul className="mt-2 space-y-0.5 text-xs">
            {(w.lastDeliveries ?? []).map((d) => (
              <li key={d.id} className="flex items-center gap-2">
                <Badge tone={statusTone(d.status === "delivered" ? "ok" : d.status === "failed" ? "failed" : "pending")}>{d.status}</Badge>
                {d.event} · attempt {d.attempts} · <Time iso={d.createdAt} /> {d.lastError && <span className="text-red-600">{d.lastError}</span>}
              </li>
            ))}
            {(w.lastDeliveries ?? []).length === 0 && <li className="text-slate-500">No deliveries yet.</li>}
          </ul>
        </div>
      ))}
    </div>
  );
}
