"use client";

import { useState } from "react";
import { Button } from "./ui/primitives.tsx";

/** A secret shown exactly once (agent key, API token, initial password), with a copy button. */
export function OneTimeSecret({ label, value, testId }: { label: string; value: string; testId: string }) {
  const [copied, setCopied] = useState(false);
  return (
    <div className="rounded-lg border border-amber-300 bg-amber-50 p-4 dark:border-amber-500/40 dark:bg-amber-500/10">
      <p className="text-sm font-semibold text-amber-900 dark:text-amber-200">{label} — shown once, store it now</p>
      <p className="mt-1 text-xs text-amber-800 dark:text-amber-300">Warden keeps only a hash; it cannot show this again.</p>
      <div className="mt-3 flex items-center gap-2">
        <code data-testid={testId} className="block flex-1 select-all break-all rounded bg-white px-3 py-2 font-mono text-sm text-slate-900 ring-1 ring-amber-200 dark:bg-slate-950 dark:text-slate-100 dark:ring-amber-500/30">
          {value}
        </code>
        <Button
          variant="secondary"
          type="button"
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(() => setCopied(true), () => setCopied(false));
          }}
        >
          {copied ? "Copied" : "Copy"}
        </Button>
      </div>
    </div>
  );
}
