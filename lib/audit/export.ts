import { iterateAuditEvents, type AuditEventView, type AuditFilter } from "./query.ts";

export type ExportFormat = "jsonl" | "csv";

const CSV_COLUMNS: (keyof AuditEventView)[] = ["seq", "at", "actor", "kind", "subject", "agentId", "cohort", "data", "chain", "chainSeq", "prevHash", "hash"];

function csvCell(v: unknown): string {
  const s = v === null || v === undefined ? "" : typeof v === "object" ? JSON.stringify(v) : String(v);
  // Quote always-needed cases, and neutralise spreadsheet formulas (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(s) ? `'${s}` : s;
  return /[",\n\r]/.test(safe) || safe !== s ? `"${safe.replace(/"/g, '""')}"` : safe;
}

/** A byte stream of the filtered audit log, produced batch by batch (never all in memory). */
export function exportAuditEvents(filter: AuditFilter, format: ExportFormat): ReadableStream<Uint8Array> {
  const enc = new TextEncoder();
  const events = iterateAuditEvents(filter);
  let headerSent = false;
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      try {
        if (format === "csv" && !headerSent) {
          headerSent = true;
          controller.enqueue(enc.encode(CSV_COLUMNS.join(",") + "\n"));
          return;
        }
        const lines: string[] = [];
        for (let i = 0; i < 500; i++) {
          const next = await events.next();
          if (next.done) break;
          const e = next.value;
          lines.push(format === "jsonl" ? JSON.stringify(e) : CSV_COLUMNS.map((c) => csvCell(e[c])).join(","));
        }
        if (lines.length) controller.enqueue(enc.encode(lines.join("\n") + "\n"));
        else controller.close();
      } catch (err) {
        console.error("[audit] export failed:", err);
        controller.error(err);
      }
    },
    async cancel() {
      await events.return(undefined);
    },
  });
}
