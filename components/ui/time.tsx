/** A timestamp in UTC (the audit log's time), full ISO on hover. */
export function Time({ iso }: { iso: string | null | undefined }) {
  if (!iso) return <span className="text-slate-400 dark:text-slate-600">—</span>;
  return (
    <time dateTime={iso} title={iso} className="whitespace-nowrap tabular-nums text-slate-600 dark:text-slate-400">
      {iso.slice(0, 19).replace("T", " ")}
    </time>
  );
}
