import type { ReactNode } from "react";
import { cx } from "./cx.ts";

/**
 * A data table; `label` names it for assistive tech (and getByRole("table", { name })).
 * `headClassNames[i]` is added to the i-th header cell (e.g. "hidden sm:table-cell" for a column left out on phones).
 */
export function Table({ head, children, empty, label, headClassNames }: { head: ReactNode[]; children: ReactNode; empty?: ReactNode; label?: string; headClassNames?: (string | undefined)[] }) {
  return (
    <div className="overflow-x-auto">
      <table aria-label={label} className="min-w-full text-sm">
        <thead>
          <tr className="border-b border-slate-200 text-left text-xs text-slate-500 dark:border-slate-800 dark:text-slate-400">
            {head.map((h, i) => (
              <th key={i} scope="col" className={cx("whitespace-nowrap px-3 py-2 font-medium first:pl-4 last:pr-4", headClassNames?.[i])}>
                {h}
              </th>
            ))}
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-100 dark:divide-slate-800/80">{children}</tbody>
      </table>
      {empty}
    </div>
  );
}

export function Td({ children, className, mono }: { children?: ReactNode; className?: string; mono?: boolean }) {
  return <td className={cx("px-3 py-2.5 align-middle first:pl-4 last:pr-4", mono && "font-mono text-xs text-slate-700 dark:text-slate-300", className)}>{children}</td>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="px-3 py-10 text-center text-sm text-slate-500 dark:text-slate-400">{children}</p>;
}
