import Link from "next/link";
import { cx } from "./ui/cx.ts";

/** The tabs of an agent's page: its overview and its releases. */
export function AgentTabs({ agentId, active }: { agentId: string; active: "overview" | "releases" }) {
  const tab = (href: string, label: string, on: boolean) => (
    <Link
      href={href}
      aria-current={on ? "page" : undefined}
      className={cx("-mb-px border-b-2 px-3 py-2 text-sm font-medium", on ? "border-brand-600 text-brand-700 dark:border-brand-400 dark:text-brand-200" : "border-transparent text-slate-500 hover:text-slate-800 dark:text-slate-400 dark:hover:text-slate-200")}
    >
      {label}
    </Link>
  );
  return (
    <nav aria-label="Agent sections" className="mb-6 flex gap-2 border-b border-slate-200 dark:border-slate-800">
      {tab(`/agents/${agentId}`, "Overview", active === "overview")}
      {tab(`/agents/${agentId}/releases`, "Releases", active === "releases")}
    </nav>
  );
}
