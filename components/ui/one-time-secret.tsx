"use client";

import { useState } from "react";
import { Button } from "./button.tsx";

/**
 * How Warden keeps a secret, checked against its code: agent keys and API tokens as SHA-256
 * (lib/secrets issueSecret), passwords as argon2id (hashPassword), webhook signing secrets as
 * written (lib/webhooks: each delivery's HMAC needs the secret itself).
 */
export type SecretStorage = "sha256" | "argon2id" | "as-written";

const STORAGE_NOTE: Record<SecretStorage, string> = {
  sha256: "Warden keeps only a SHA-256 hash of it and can't show it again. If you lose it, issue a new one.",
  argon2id: "Warden keeps only an argon2id hash of it and can't show it again. If it is lost, reset the password.",
  "as-written": "Warden stores this secret as written in its database — it needs it to sign every delivery — but never shows it again. If you lose it or it leaks, delete the webhook and add it again.",
};

/** A secret shown exactly once (agent key, API token, password, webhook secret), with a copy button and the truth about how it is kept. */
export function OneTimeSecret({ label, value, testId, storedAs }: { label: string; value: string; testId: string; storedAs: SecretStorage }) {
  const [copied, setCopied] = useState<"yes" | "failed" | null>(null);
  return (
    <div role="region" aria-label={label} className="rounded-lg border border-amber-300 bg-amber-50 p-4 dark:border-amber-500/40 dark:bg-amber-500/10">
      <div className="flex items-start gap-2">
        <svg aria-hidden viewBox="0 0 20 20" className="mt-0.5 h-4 w-4 shrink-0 fill-amber-500">
          <path d="M8.3 2.9a2 2 0 0 1 3.4 0l6.1 10.6A2 2 0 0 1 16.1 16.5H3.9a2 2 0 0 1-1.7-3L8.3 2.9ZM10 7a.9.9 0 0 0-.9.9v3.2a.9.9 0 0 0 1.8 0V7.9A.9.9 0 0 0 10 7Zm0 7.6a1 1 0 1 0 0-2 1 1 0 0 0 0 2Z" />
        </svg>
        <div>
          <p className="text-sm font-semibold text-amber-900 dark:text-amber-200">{label}: shown once — store it now</p>
          <p data-testid={`${testId}-storage`} className="mt-0.5 text-xs text-amber-800 dark:text-amber-300/90">{STORAGE_NOTE[storedAs]}</p>
        </div>
      </div>
      <div className="mt-3 flex items-stretch gap-2">
        <code
          data-testid={testId}
          className="block min-w-0 flex-1 select-all break-all rounded-md bg-white px-3 py-2 font-mono text-sm text-slate-900 ring-1 ring-amber-200 dark:bg-slate-950 dark:text-slate-100 dark:ring-amber-500/30"
        >
          {value}
        </code>
        <Button
          variant="secondary"
          aria-label={`Copy ${label}`}
          onClick={() => {
            // The clipboard API needs a secure context; on plain http the text stays selectable.
            const clipboard = navigator.clipboard as Clipboard | undefined;
            if (!clipboard) return setCopied("failed");
            void clipboard.writeText(value).then(
              () => setCopied("yes"),
              () => setCopied("failed"),
            );
          }}
        >
          {copied === "yes" ? "Copied" : "Copy"}
        </Button>
      </div>
      {copied === "failed" && <p className="mt-2 text-xs text-amber-800 dark:text-amber-300">This browser blocked the clipboard: select the text and copy it by hand.</p>}
    </div>
  );
}
