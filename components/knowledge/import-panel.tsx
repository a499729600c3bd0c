"use client";

import { useRouter } from "next/navigation";
import { useState } from "react";
import { ApiFailure, messageOf } from "../api.ts";
import { Button } from "../ui/button.tsx";
import { ErrorText, Field, inputClass } from "../ui/field.tsx";
import { DiffTable, SummaryLine, type DiffRow } from "./diff-table.tsx";

type Draft = { id: string | null; summary: { added: number; changed: number; removed: number; refreshed: number; unchanged: number }; diff: DiffRow[]; changes: number };

async function post(set: string, csv: string, params: Record<string, string>): Promise<Draft> {
  const res = await fetch(`/api/knowledge/${encodeURIComponent(set)}/drafts?${new URLSearchParams(params)}`, {
    method: "POST",
    credentials: "same-origin",
    headers: { "content-type": "text/csv", accept: "application/json" },
    body: csv,
  });
  const body = (await res.json().catch(() => ({}))) as { draft?: Draft; error?: { code: string; message: string; details?: unknown } };
  if (!res.ok || !body.draft) throw new ApiFailure(res.status, body.error ?? { code: "http_error", message: `Request failed (${res.status})` });
  return body.draft;
}

/** Bulk import: pick or paste a CSV, preview its diff against the published version, then propose it as a draft. */
export function ImportPanel({ set, columns }: { set: string; columns: string[] }) {
  const router = useRouter();
  const [csv, setCsv] = useState("");
  const [source, setSource] = useState("");
  const [mode, setMode] = useState<"merge" | "replace">("merge");
  const [note, setNote] = useState("");
  const [preview, setPreview] = useState<Draft | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const params = () => ({ mode, note, ...(source.trim() ? { source: source.trim() } : {}) });
  const run = async (fn: () => Promise<void>) => {
    setBusy(true);
    setError(null);
    try {
      await fn();
    } catch (err) {
      setError(messageOf(err));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="space-y-3">
      <p className="text-xs text-slate-500 dark:text-slate-400">
        A header row, then one record per row: <code className="font-mono">key,{columns.join(",") || "value"}</code> (optional <code className="font-mono">source</code>, <code className="font-mono">effectiveFrom</code>, <code className="font-mono">expiresAt</code> columns).
      </p>
      <Field label="CSV file">
        <input
          type="file"
          accept=".csv,text/csv"
         
          onChange={(e) => {
            const f = e.target.files?.[0];
            setPreview(null);
            if (f) void f.text().then(setCsv);
          }}
          className="text-sm"
        />
      </Field>
      <Field label="CSV">
        <textarea value={csv} onChange={(e) => (setCsv(e.target.value), setPreview(null))} rows={5} className={`${inputClass} font-mono text-xs`} placeholder={`key,${columns.join(",")}`} />
      </Field>
      <div className="grid gap-3 sm:grid-cols-3">
        <Field label="Source" hint="Where these records come from (URL, system, document)">
          <input value={source} onChange={(e) => (setSource(e.target.value), setPreview(null))} className={inputClass} placeholder="ERP export 2026-11-30" />
        </Field>
        <Field label="Mode">
          <select value={mode} onChange={(e) => (setMode(e.target.value as "merge" | "replace"), setPreview(null))} className={inputClass}>
            <option value="merge">merge (upsert these records)</option>
            <option value="replace">replace (also delete keys not in the file)</option>
          </select>
        </Field>
        <Field label="Note">
          <input value={note} onChange={(e) => setNote(e.target.value)} className={inputClass} />
        </Field>
      </div>
      <div className="flex gap-2">
        <Button variant="secondary" disabled={busy || !csv.trim()} onClick={() => void run(async () => setPreview(await post(set, csv, { ...params(), dryRun: "true" })))}>
          Preview
        </Button>
        <Button
          disabled={busy || !preview}
          onClick={() =>
            void run(async () => {
              const d = await post(set, csv, params());
              router.push(`/knowledge/${encodeURIComponent(set)}/drafts/${d.id}`);
            })
          }
        >
          Propose draft
        </Button>
      </div>
      <ErrorText error={error} />
      {preview && (
        <div className="space-y-2" data-testid="import-preview">
          <SummaryLine s={preview.summary} />
          <DiffTable rows={preview.diff.filter((d) => d.change !== "unchanged")} label="Import preview" />
        </div>
      )}
    </div>
  );
}
