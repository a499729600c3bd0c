"use client";

import type { ReactNode } from "react";
import { Button } from "./button.tsx";

/** A table row under the one being revoked (or reset…): says what will happen, then Confirm / Cancel. */
export function ConfirmRevokeRow({ colSpan, children, busy, onConfirm, onCancel, confirmLabel = "Confirm revoke" }: { colSpan: number; children: ReactNode; busy: boolean; onConfirm: () => void; onCancel: () => void; confirmLabel?: string }) {
  return (
    <tr className="bg-red-50/70 dark:bg-red-500/5">
      <td colSpan={colSpan} className="px-4 py-3">
        <div className="flex flex-wrap items-center justify-end gap-3">
          <ConfirmBody busy={busy} onConfirm={onConfirm} onCancel={onCancel} confirmLabel={confirmLabel}>
            {children}
          </ConfirmBody>
        </div>
      </td>
    </tr>
  );
}

/** The same confirm step outside a table (a card's footer): says what will happen, then `confirmLabel` / Cancel. */
export function ConfirmBox({ children, confirmLabel, busy, onConfirm, onCancel }: { children: ReactNode; confirmLabel: string; busy: boolean; onConfirm: () => void; onCancel: () => void }) {
  return (
    <div role="group" aria-label={confirmLabel} className="mt-2 flex flex-wrap items-center justify-end gap-3 rounded-md bg-red-50/70 px-3 py-2 dark:bg-red-500/5">
      <ConfirmBody busy={busy} onConfirm={onConfirm} onCancel={onCancel} confirmLabel={confirmLabel}>
        {children}
      </ConfirmBody>
    </div>
  );
}

/** What both confirm steps show: what will happen, then `confirmLabel` / Cancel. */
function ConfirmBody({ children, confirmLabel, busy, onConfirm, onCancel }: { children: ReactNode; confirmLabel: string; busy: boolean; onConfirm: () => void; onCancel: () => void }) {
  return (
    <>
      <span className="mr-auto text-sm text-red-800 dark:text-red-200">{children}</span>
      <span className="flex gap-2">
        <Button variant="danger" onClick={onConfirm} disabled={busy}>
          {confirmLabel}
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </span>
    </>
  );
}
