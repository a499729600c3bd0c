"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import { useRef, useState } from "react";
import { PendingCount } from "./pending-count.tsx";
import { Icon, type IconName } from "./ui/icons.tsx";

export type NavItem = { href: string; label: string; icon: IconName; badge?: "pending" };
type NavUser = { name: string; email: string; role: string };

const initials = (name: string) =>
  name
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => w[0]!.toUpperCase())
    .join("") || "?";

function isActive(href: string, path: string) {
  return href === "/" ? path === "/" : path === href || path.startsWith(`${href}/`);
}

/**
 * The main navigation: a sidebar from md up; on phones a bar with a "Menu" button that opens
 * the whole list (and the signed-in user) below it — every item reachable, none hidden in a
 * sideways strip. The button is a disclosure (aria-expanded/aria-controls); Escape closes the
 * menu and gives focus back to the button; choosing an item closes it.
 */
export function Nav({ items, user }: { items: NavItem[]; user: NavUser }) {
  const path = usePathname();
  const [open, setOpen] = useState(false);
  const button = useRef<HTMLButtonElement>(null);
  return (
    <aside className="flex w-full shrink-0 flex-col border-b border-slate-200 bg-white md:sticky md:top-0 md:h-screen md:w-60 md:border-b-0 md:border-r dark:border-slate-800 dark:bg-slate-900/70">
      <div className="flex items-center justify-between gap-3 px-5 py-3 md:pb-3 md:pt-5">
        <Link href="/" className="flex items-center gap-2.5">
          <span className="grid h-8 w-8 place-items-center rounded-lg bg-gradient-to-br from-brand-500 to-brand-700 text-sm font-bold text-white shadow-sm">W</span>
          <span className="text-[15px] font-semibold tracking-tight">Warden</span>
        </Link>
        <button
          ref={button}
          type="button"
          aria-expanded={open}
          aria-controls="main-menu"
          onClick={() => setOpen((o) => !o)}
          className="flex items-center gap-2 rounded-md border border-slate-200 px-3 py-1.5 text-sm font-medium text-slate-700 hover:bg-slate-50 focus-visible:outline-2 focus-visible:outline-brand-500 md:hidden dark:border-slate-700 dark:text-slate-200 dark:hover:bg-slate-800"
        >
          <Icon name={open ? "close" : "menu"} className="h-4 w-4" />
          Menu
        </button>
      </div>
      <div
        id="main-menu"
        className={`${open ? "flex" : "hidden"} min-h-0 flex-1 flex-col md:flex`}
        onKeyDown={(e) => {
          if (e.key === "Escape" && open) {
            setOpen(false);
            button.current?.focus();
          }
        }}
      >
      <nav aria-label="Main" className="flex flex-col gap-0.5 px-3 pb-3 md:pt-2">
        {items.map((i) => {
          const active = isActive(i.href, path);
          return (
            <Link
              key={i.href}
              href={i.href}
              onClick={() => setOpen(false)}
              aria-current={active ? "page" : undefined}
              className={`flex shrink-0 items-center gap-2.5 rounded-md px-2.5 py-2 text-sm font-medium transition-colors md:py-1.5 ${
                active
                  ? "bg-slate-100 text-slate-900 dark:bg-slate-800 dark:text-white"
                  : "text-slate-600 hover:bg-slate-50 hover:text-slate-900 dark:text-slate-400 dark:hover:bg-slate-800/60 dark:hover:text-slate-100"
              }`}
            >
              <Icon name={i.icon} className={`h-4 w-4 ${active ? "text-brand-600 dark:text-brand-300" : "text-slate-400 dark:text-slate-500"}`} />
              {i.label}
              {i.badge === "pending" && <PendingCount />}
            </Link>
          );
        })}
      </nav>
      <UserBlock user={user} />
      </div>
    </aside>
  );
}

function UserBlock({ user }: { user: NavUser }) {
  return (
    <div className="flex items-center gap-2 border-t border-slate-200 p-3 md:mt-auto md:block dark:border-slate-800">
      <div className="flex min-w-0 flex-1 items-center gap-2.5 px-2 py-1.5">
        <span aria-hidden className="grid h-8 w-8 shrink-0 place-items-center rounded-full bg-slate-200 text-xs font-semibold text-slate-700 dark:bg-slate-700 dark:text-slate-100">
          {initials(user.name)}
        </span>
        <div className="min-w-0 flex-1">
          <div className="flex items-center gap-1.5">
            <span className="truncate text-sm font-medium" data-testid="current-user">
              {user.name}
            </span>
            <span data-testid="current-role" className="shrink-0 rounded bg-slate-100 px-1 py-px text-[10px] font-semibold uppercase tracking-wide text-slate-600 dark:bg-slate-800 dark:text-slate-300">
              {user.role}
            </span>
          </div>
          <div className="truncate text-xs text-slate-500 dark:text-slate-400" title={user.email}>
            {user.email}
          </div>
        </div>
      </div>
      <button
        type="button"
        onClick={() => void signOut({ callbackUrl: "/login" })}
        className="flex shrink-0 items-center gap-2.5 rounded-md md:mt-1 md:w-full px-2.5 py-1.5 text-sm font-medium text-slate-600 hover:bg-slate-50 hover:text-slate-900 dark:text-slate-400 dark:hover:bg-slate-800/60 dark:hover:text-slate-100"
      >
        <Icon name="signout" className="h-4 w-4 text-slate-400" />
        Sign out
      </button>
    </div>
  );
}
