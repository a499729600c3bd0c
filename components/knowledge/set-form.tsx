"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { api } from "../api.ts";
import { Button } from "../ui/button.tsx";
import { ErrorText, Field, inputClass } from "../ui/field.tsx";
import { submitWith } from "../submit-with.ts";
import { useApiMutation } from "../use-api-mutation.ts";

const EXAMPLE = JSON.stringify({ type: "object", properties: { floor: { type: "number", minimum: 0 }, currency: { enum: ["EUR", "USD"] } }, required: ["floor"], additionalProperties: false }, null, 2);

/** A new knowledge set (admins): name, description, readers, freshness and the records' JSON Schema. */
export function NewSetForm() {
  const router = useRouter();
  const [schemaError, setSchemaError] = useState<string | null>(null);
  const create = useApiMutation((body: unknown) => api<{ set: { name: string } }>("/api/knowledge", { body }), (r) => router.push(`/knowledge/${r.set.name}`));
  return (
    <form
      aria-label="New knowledge set"
      className="space-y-3"
      onSubmit={submitWith((f) => {
        let schema: unknown;
        try {
          schema = JSON.parse(String(f.get("schema") ?? ""));
        } catch {
          setSchemaError("The schema is not valid JSON");
          return;
        }
        setSchemaError(null);
        const cohorts = String(f.get("readers") ?? "").split(",").map((c) => c.trim()).filter(Boolean);
        const days = String(f.get("maxAgeDays") ?? "").trim();
        create.mutate({ name: f.get("name"), description: f.get("description"), schema, readers: { cohorts }, maxAgeDays: days ? Number(days) : null });
      })}
    >
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Name" hint="what policies write: data[&quot;price-floors&quot;]" error={create.fieldErrors.name}>
          <input name="name" required className={inputClass} placeholder="price-floors" />
        </Field>
        <Field label="Reader cohorts" hint="comma-separated cohorts whose agents may read it" error={create.fieldErrors["readers.cohorts"]}>
          <input name="readers" className={inputClass} placeholder="pricing" />
        </Field>
        <Field label="Description">
          <input name="description" className={inputClass} />
        </Field>
        <Field label="Max age (days)" hint="records older than this are stale; empty: never">
          <input name="maxAgeDays" type="number" min={1} className={inputClass} defaultValue={90} />
        </Field>
      </div>
      <Field label="Record schema (JSON Schema)" error={schemaError}>
        <textarea name="schema" rows={8} className={`${inputClass} font-mono text-xs`} defaultValue={EXAMPLE} />
      </Field>
      <Button type="submit" disabled={create.isPending}>Create set</Button>
      <ErrorText error={create.errorMessage} />
    </form>
  );
}
