"use client";

import { useMutation } from "@tanstack/react-query";
import { useState } from "react";
import type { RedactionRules, RedactionSettings } from "@/lib/redaction/index.ts";
import { api, messageOf } from "./api.ts";
import { Badge } from "./ui/badge.tsx";
import { Button } from "./ui/button.tsx";
import { ErrorText, Field, inputClass } from "./ui/field.tsx";
import { Time } from "./ui/time.tsx";
import { useApiMutation } from "./use-api-mutation.ts";

const DETECTORS = [
  { key: "email", label: "E-mail addresses" },
  { key: "phone", label: "Phone numbers", hint: "international (+33 …) and common national formats" },
  { key: "card", label: "Payment card numbers", hint: "13–19 digits passing the Luhn check" },
  { key: "iban", label: "IBANs", hint: "country length and mod-97 checked" },
] as const;

const SAMPLE = JSON.stringify({ customer: { email: "jane.doe@example.com", phone: "+33 6 12 34 56 78", address: "12 rue du Faubourg Saint-Honoré" }, card: "4111 1111 1111 1111", amount: 120 }, null, 2);

type Preview = { input: unknown; redactions: { kind: string; path: string }[] };

/**
 * The PII redaction rules: which detectors run and which fields are always redacted. Admins
 * edit them and try them on a sample; everyone else sees them.
 */
export function RedactionSettingsPanel({ settings, canEdit }: { settings: RedactionSettings; canEdit: boolean }) {
  const [saved, setSaved] = useState(settings);
  const [rules, setRules] = useState<RedactionRules>(settings.rules);
  const [fields, setFields] = useState(settings.rules.fields.join("\n"));
  const [sample, setSample] = useState(SAMPLE);
  const draft = (): RedactionRules => ({ ...rules, fields: fields.split("\n").map((f) => f.trim()).filter(Boolean) });
  // The server answers with the rules as stored (trimmed, de-duplicated): show exactly those.
  const save = useApiMutation(
    (body: RedactionRules) => api<RedactionSettings>("/api/settings/redaction", { method: "PUT", body }),
    (r) => {
      setSaved(r);
      setRules(r.rules);
      setFields(r.rules.fields.join("\n"));
    },
  );
  const preview = useMutation({
    mutationFn: async () => {
      let input: unknown;
      try {
        input = JSON.parse(sample);
      } catch {
        throw new Error("The sample input is not valid JSON");
      }
      return api<Preview>("/api/settings/redaction/preview", { body: { rules: draft(), sample: { input } } });
    },
  });
  return (
    <div className="grid gap-6 lg:grid-cols-2">
      <form
        aria-label="Redaction rules"
        className="space-y-4"
        onSubmit={(e) => {
          e.preventDefault();
          save.mutate(draft());
        }}
      >
        <fieldset className="space-y-2 text-sm" disabled={!canEdit}>
          <legend className="mb-1 font-medium">Detect and redact anywhere in input, context, output and errors</legend>
          {DETECTORS.map((d) => (
            <label key={d.key} className="flex items-start gap-2">
              <input type="checkbox" className="mt-0.5 h-4 w-4" checked={rules[d.key]} onChange={(e) => setRules({ ...rules, [d.key]: e.target.checked })} />
              <span>
                {d.label}
                {"hint" in d && <span className="block text-xs text-slate-500 dark:text-slate-400">{d.hint}</span>}
              </span>
            </label>
          ))}
        </fieldset>
        <Field label="Fields always redacted" hint="One path per line, from input, context, output or error; * matches any key or list item, e.g. input.customer.address or input.items.*.giftMessage." error={Object.entries(save.fieldErrors).find(([k]) => k.startsWith("fields"))?.[1] ?? null}>
          <textarea value={fields} onChange={(e) => setFields(e.target.value)} rows={5} disabled={!canEdit} className={`${inputClass} font-mono`} placeholder="input.customer.address" spellCheck={false} />
        </Field>
        <ErrorText error={save.errorMessage} />
        <div className="flex flex-wrap items-center gap-3">
          {canEdit && <Button type="submit" disabled={save.isPending}>{save.isPending ? "Saving…" : "Save rules"}</Button>}
          {save.isSuccess && <span role="status" className="text-sm text-emerald-700 dark:text-emerald-300">Saved. New actions are stored under these rules.</span>}
          <span className="text-xs text-slate-500 dark:text-slate-400">
            {saved.updatedAt ? <>Last changed <Time iso={saved.updatedAt} /> by {saved.updatedBy ?? "a deleted user"}</> : "Defaults: every detector on, no named fields."}
          </span>
        </div>
        <p className="text-xs text-slate-500 dark:text-slate-400">
          Policies always see the raw request; only what is stored is redacted. A value becomes <code className="font-mono">[redacted:kind:hash]</code>, the hash keyed with a secret
          outside the database, so the same value always gives the same marker and can be searched for (agent timeline, “Holding a value”) without being stored.
          Changing the rules does not rewrite what is already stored.
        </p>
      </form>
      {canEdit && (
        <div className="space-y-3">
          <Field label="Try the rules on a sample input (nothing is stored)">
            <textarea value={sample} onChange={(e) => setSample(e.target.value)} rows={9} className={`${inputClass} font-mono text-xs`} spellCheck={false} />
          </Field>
          <Button variant="secondary" onClick={() => preview.mutate()} disabled={preview.isPending}>Preview redaction</Button>
          <ErrorText error={preview.error ? messageOf(preview.error) : null} />
          {preview.data && (
            <div data-testid="redaction-preview" className="space-y-2">
              <div className="flex flex-wrap gap-1">
                {preview.data.redactions.length ? preview.data.redactions.map((r, i) => <Badge key={i} tone="amber">{r.kind} · {r.path}</Badge>) : <Badge>nothing to redact</Badge>}
              </div>
              <pre className="overflow-x-auto rounded bg-slate-50 p-2 font-mono text-xs dark:bg-slate-950">{JSON.stringify(preview.data.input, null, 2)}</pre>
            </div>
          )}
        </div>
      )}
    </div>
  );
}
