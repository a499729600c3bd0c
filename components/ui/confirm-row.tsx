"use client";

import type { ReactNode } from "react";
import { Button } from "./button.tsx";

/** A table row under the one being revoked: says what will happen, then Confirm / Cancel. */
export function ConfirmRevokeRow({ colSpan, children, busy, onConfirm, onCancel }: { colSpan: number; children: ReactNode; busy: boolean; onConfirm: () => void; onCancel: () => void }) {
  return (
    <tr className="bg-red-50/70 dark:bg-red-500/5">
      <td colSpan={colSpan} className="px-4 py-3">
        <div className="flex flex-wrap items-center justify-end gap-3">
          <span className="mr-auto text-sm text-red-800 dark:text-red-200">{children}</span>
          <span className="flex gap-2">
            <Button variant="danger" onClick={onConfirm} disabled={busy}>
              Confirm revoke
            </Button>
            <Button variant="ghost" onClick={onCancel}>
              Cancel
            </Button>
          </span>
        </div>
      </td>
    </tr>
  );
}
