import { Badge, type Tone } from "../ui/badge.tsx";
import { Table, Td } from "../ui/table.tsx";

type Side = { value: unknown; source?: string; effectiveFrom?: string | null; expiresAt?: string | null } | null;
export type DiffRow = { key: string; change: string; before: Side; after: Side };

const tone: Record<string, Tone> = { added: "green", removed: "red", changed: "amber", refreshed: "blue", unchanged: "gray" };

const show = (v: unknown) => (typeof v === "string" ? v : JSON.stringify(v));

/** Field by field: what a record's value was and becomes (objects compared per top-level property). */
function ValueDiff({ before, after }: { before: Side; after: Side }) {
  const b = before?.value;
  const a = after?.value;
  const isObj = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);
  if (before && after && isObj(b) && isObj(a)) {
    const fields = [...new Set([...Object.keys(b), ...Object.keys(a)])];
    return (
      <dl className="space-y-0.5 font-mono text-xs">
        {fields.map((f) => {
          const same = JSON.stringify(b[f]) === JSON.stringify(a[f]);
          return (
            <div key={f} className="flex flex-wrap gap-1.5">
              <dt className="text-slate-500">{f}:</dt>
              {same ? (
                <dd className="text-slate-600 dark:text-slate-300">{show(a[f])}</dd>
              ) : (
                <>
                  {f in b && <dd className="rounded bg-red-50 px-1 text-red-800 line-through dark:bg-red-500/10 dark:text-red-300">{show(b[f])}</dd>}
                  {f in a && <dd className="rounded bg-emerald-50 px-1 text-emerald-800 dark:bg-emerald-500/10 dark:text-emerald-300">{show(a[f])}</dd>}
                </>
              )}
            </div>
          );
        })}
      </dl>
    );
  }
  return (
    <div className="space-y-0.5 font-mono text-xs">
      {before && <div className={after ? "rounded bg-red-50 px-1 text-red-800 line-through dark:bg-red-500/10 dark:text-red-300" : "text-red-700 dark:text-red-300"}>{show(b)}</div>}
      {after && <div className={before ? "rounded bg-emerald-50 px-1 text-emerald-800 dark:bg-emerald-500/10 dark:text-emerald-300" : "text-emerald-700 dark:text-emerald-300"}>{show(a)}</div>}
    </div>
  );
}

/** A readable diff of records: each key, how it changes, and its value before and after. */
export function DiffTable({ rows, label = "Diff" }: { rows: DiffRow[]; label?: string }) {
  return (
    <Table label={label} head={["Key", "Change", "Value", "Source"]}>
      {rows.map((r) => (
        <tr key={r.key} data-testid="diff-row">
          <Td mono>{r.key}</Td>
          <Td><Badge tone={tone[r.change] ?? "gray"}>{r.change}</Badge></Td>
          <Td><ValueDiff before={r.before} after={r.after} /></Td>
          <Td className="max-w-xs truncate text-xs text-slate-500">{r.after?.source ?? r.before?.source ?? ""}</Td>
        </tr>
      ))}
    </Table>
  );
}

export function SummaryLine({ s }: { s: { added: number; changed: number; removed: number; refreshed?: number; unchanged?: number } }) {
  return (
    <p className="flex flex-wrap gap-2 text-sm" data-testid="diff-summary">
      <Badge tone="green">{s.added} added</Badge>
      <Badge tone="amber">{s.changed} changed</Badge>
      <Badge tone="red">{s.removed} removed</Badge>
      {s.refreshed ? <Badge tone="blue">{s.refreshed} refreshed</Badge> : null}
      {s.unchanged !== undefined && <Badge>{s.unchanged} unchanged</Badge>}
    </p>
  );
}
