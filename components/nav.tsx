"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { PendingCount } from "./pending-count.tsx";

export type NavItem = { href: string; label: string; badge?: "pending" };

export function Nav({ items, user }: { items: NavItem[]; user: { name: string; email: string; role: string } }) {
  const path = usePathname();
  return (
    <aside className="flex w-full flex-col border-b border-slate-200 bg-white md:sticky md:top-0 md:h-screen md:w-60 md:border-b-0 md:border-r dark:border-slate-800 dark:bg-slate-900">
      <div className="flex items-center gap-2 px-5 py-4">
        <span className="grid h-8 w-8 place-items-center rounded-lg bg-brand-600 text-sm font-bold text-white">W</span>
        <span className="text-lg font-semibold tracking-tight">Warden</span>
      </div>
      <nav aria-label="Main" className="flex flex-row flex-wrap gap-1 px-3 md:flex-col">
        {items.map((i) => {
          const active = i.href === "/" ? path === "/" : path.startsWith(i.href);
          return (
            <Link
              key={i.href}
              href={i.href}
              aria-current={active ? "page" : undefined}
              className={`flex items-center gap-2 rounded-md px-3 py-2 text-sm font-medium ${active ? "bg-brand-50 text-brand-700 dark:bg-brand-500/10 dark:text-brand-100" : "text-slate-600 hover:bg-slate-100 dark:text-slate-300 dark:hover:bg-slate-800"}`}
            >
              {i.label}
              {i.badge === "pending" && <PendingCount />}
            </Link>
          );
        })}
      </nav>
      <div className="mt-auto border-t border-slate-200 px-5 py-4 text-sm dark:border-slate-800">
        <div className="font-medium" data-testid="current-user">
          {user.name}
        </div>
        <div className="truncate text-xs text-slate-500">{user.email}</div>
        <div className="mt-1 text-xs uppercase tracking-wide text-slate-500">{user.role}</div>
        <button type="button" onClick={() => void signOut({ callbackUrl: "/login" })} className="mt-3 text-sm font-medium text-brand-600 hover:underline">
          Sign out
        </button>
      </div>
    </aside>
  );
}
