import type { ReactNode } from "react";
import { cx } from "./cx.ts";

const tones = {
  green: "bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-500/10 dark:text-emerald-300 dark:ring-emerald-400/20",
  red: "bg-red-50 text-red-700 ring-red-600/20 dark:bg-red-500/10 dark:text-red-300 dark:ring-red-400/20",
  amber: "bg-amber-50 text-amber-800 ring-amber-600/20 dark:bg-amber-500/10 dark:text-amber-300 dark:ring-amber-400/20",
  blue: "bg-brand-50 text-brand-700 ring-brand-600/20 dark:bg-brand-500/10 dark:text-brand-200 dark:ring-brand-400/20",
  gray: "bg-slate-100 text-slate-700 ring-slate-500/20 dark:bg-slate-800 dark:text-slate-300 dark:ring-slate-600/40",
} as const;

export type Tone = keyof typeof tones;

const dots: Record<Tone, string> = { green: "bg-emerald-500", red: "bg-red-500", amber: "bg-amber-500", blue: "bg-brand-500", gray: "bg-slate-400" };

/**
 * A small label; `dot` adds a status light in front of it. `wrap`: it holds a name (a policy's)
 * that may be long, so it wraps instead of pushing the page sideways on a phone.
 */
export function Badge({ tone = "gray", dot, wrap, children }: { tone?: Tone; dot?: boolean; wrap?: boolean; children: ReactNode }) {
  return (
    <span className={cx("inline-flex max-w-full items-center gap-1.5 rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset", wrap ? "[overflow-wrap:anywhere]" : "whitespace-nowrap", tones[tone])}>
      {dot && <span aria-hidden className={cx("h-1.5 w-1.5 rounded-full", dots[tone])} />}
      {children}
    </span>
  );
}

export function statusTone(status: string): Tone {
  if (["active", "allowed", "approved", "allow", "ok", "succeeded"].includes(status)) return "green";
  if (["halted", "denied", "rejected", "deny", "failed", "disabled", "revoked", "circuit_open", "open"].includes(status)) return "red";
  if (["pending", "expired", "shadow", "half_open", "unrestricted"].includes(status)) return "amber";
  if (status === "closed") return "green";
  return "gray";
}

/** A status (active, halted, …) with its light. */
export function StatusBadge({ status }: { status: string }) {
  return (
    <Badge tone={statusTone(status)} dot>
      {status}
    </Badge>
  );
}

export function riskTone(tier: string): Tone {
  return tier === "high" ? "red" : tier === "medium" ? "amber" : "gray";
}
