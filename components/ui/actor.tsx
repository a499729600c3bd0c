"use client";

import { useState } from "react";

/** Readable names for audit actor/subject strings (`user:…`, `agent:…`, `policy:…`): app/(dashboard)/actor-labels.ts. */
export type ActorLabels = Record<string, { name: string; detail?: string }>;

/**
 * Who an actor string is, for people: the name (a user's name, an agent's name), with the
 * detail and the raw id on hover and a button that copies the id. An id without a label
 * (a deleted user, `system`) shows as it is.
 */
export function Actor({ id, labels, className }: { id: string; labels: ActorLabels; className?: string }) {
  const label = labels[id];
  return (
    <span className={`group inline-flex items-center gap-1 ${className ?? ""}`} data-testid="actor">
      {label ? (
        <span title={label.detail ? `${label.detail} · ${id}` : id} className="text-sm">
          {label.name}
        </span>
      ) : (
        <span className="break-all font-mono text-xs">{id}</span>
      )}
      {id.includes(":") && <CopyId id={id} />}
    </span>
  );
}

function CopyId({ id }: { id: string }) {
  const [done, setDone] = useState<boolean | null>(null);
  return (
    <button
      type="button"
      aria-label={`Copy id ${id}`}
      title={done === false ? "The browser blocked the clipboard" : done ? "Copied" : `Copy ${id}`}
      className="rounded px-0.5 text-slate-400 opacity-0 hover:text-slate-700 focus:opacity-100 group-hover:opacity-100 dark:hover:text-slate-200"
      onClick={() => {
        // The clipboard API needs a secure context; the id stays in the title otherwise.
        const clipboard = navigator.clipboard as Clipboard | undefined;
        if (!clipboard) return setDone(false);
        void clipboard.writeText(id).then(
          () => setDone(true),
          () => setDone(false),
        );
      }}
    >
      <svg aria-hidden viewBox="0 0 20 20" className="h-3.5 w-3.5 fill-none stroke-current" strokeWidth="1.5">
        <rect x="7" y="7" width="9" height="10" rx="1.5" />
        <path d="M13 4.5V4a1.5 1.5 0 0 0-1.5-1.5h-6A1.5 1.5 0 0 0 4 4v8a1.5 1.5 0 0 0 1.5 1.5H7" />
      </svg>
    </button>
  );
}
