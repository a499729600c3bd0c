import type { ReactNode } from "react";
import { cx } from "./cx.ts";

/** A CSS string literal (the labels are our own header texts; `<` is escaped so they can't close the style element). */
const cssString = (s: string) => `"${s.replace(/[\\"]/g, "\\$&").replace(/</g, "\\3c ").replace(/\n/g, " ")}"`;

/** A short stable name for a set of headers (FNV-1a), so tables with the same headers share their rules. */
function stackKey(labels: string[]): string {
  let h = 0x811c9dc5;
  for (const ch of labels.join("\u0000")) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193) >>> 0;
  return h.toString(36);
}

/**
 * Phone labels for a stacked table: under 640 px each row is a card (globals.css `.table-stack`),
 * and every cell after the first says which column it is ("Last used: …"), taken from the
 * header's text. Cells hidden on phones keep their number (nth-child counts them all).
 */
function StackLabels({ name, head }: { name: string; head: ReactNode[] }) {
  const rules = head
    .map((h, i) => (i > 0 && typeof h === "string" && h ? `[data-stack="${name}"] > tbody > tr > td:nth-child(${i + 1}):not([colspan])::before{content:${cssString(h)}}` : ""))
    .filter(Boolean)
    .join("");
  return rules ? <style>{`@media (width < 40rem){${rules}}`}</style> : null;
}

/**
 * A data table; `label` names it for assistive tech (and getByRole("table", { name })).
 * `headClassNames[i]` is added to the i-th header cell (e.g. "hidden sm:table-cell" for a column left out on phones).
 * Wider than its box, it scrolls inside the box (never the page). `stack`: on phones (< 640 px)
 * each row becomes a card — the first cell on a line of its own, the others wrapping after it,
 * each labelled with its column's header — so nothing (roles, status, buttons) is cut off.
 */
export function Table({ head, children, empty, label, headClassNames, stack }: { head: ReactNode[]; children: ReactNode; empty?: ReactNode; label?: string; headClassNames?: (string | undefined)[]; stack?: boolean }) {
  const name = stack ? stackKey(head.map((h) => (typeof h === "string" ? h : ""))) : undefined;
  return (
    <div className="overflow-x-auto">
      {name && <StackLabels name={name} head={head} />}
      <table aria-label={label} data-stack={name} className={cx("min-w-full text-sm", stack && "table-stack")}>
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
