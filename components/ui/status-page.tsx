import Link from "next/link";
import type { ReactNode } from "react";

/** A full-page message (403, 404) with a way back. */
export function StatusPage({ code, title, children }: { code: string; title: string; children?: ReactNode }) {
  return (
    <main className="grid min-h-screen place-items-center px-4 text-center">
      <div className="max-w-md">
        <p className="font-mono text-sm font-semibold text-brand-600 dark:text-brand-300">{code}</p>
        <h1 className="mt-2 text-2xl font-semibold tracking-tight">{title}</h1>
        {children && <div className="mt-2 text-sm text-slate-500 dark:text-slate-400">{children}</div>}
        <div className="mt-6 flex justify-center gap-3">
          <Link href="/" className="inline-flex items-center rounded-md bg-brand-600 px-3 py-1.5 text-sm font-medium text-white shadow-sm hover:bg-brand-700">
            Back to the overview
          </Link>
        </div>
      </div>
    </main>
  );
}
