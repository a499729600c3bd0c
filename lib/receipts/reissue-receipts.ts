import type { ActionStatus, Decision } from "../actions/index.ts";
import type { SqlRunner } from "../db/index.ts";
import { assertIssuedByWarden } from "./derive-receipt.ts";
import type { ReceiptApprover } from "./payload.ts";
import { receiptsEnabled, signReceipt, type Receipt } from "./sign-receipt.ts";
import { isSealed, openStoredReceipt, storedReceipt, type StoredReceipt } from "./stored-receipt.ts";

/** An action that just left `pending`. */
export type SettledForReceipt = { id: string; status: ActionStatus; decision: Decision; decidedAt: Date };

type Row = { id: string; receipt: string; expires_at: Date | null; approved_input_hash: string | null; approvers: ReceiptApprover[] };

/**
 * Stores, in the caller's transaction, the receipt of each settled action's new status
 * (lib/actions settlePending calls it for every transition out of `pending`): derived from the
 * stored pending receipt (verified first), with the approvers for `approved` — the users whose
 * votes approved it, in voting order — and, approved with changes, `approvedInputHash`; and the time of the settlement (the deadline for
 * `expired`). Sealed receipts stay sealed. Two statements whatever the count. An action with
 * no stored receipt (recorded before receipts, or while they were off) gets none; one whose
 * stored receipt doesn't verify loses it (logged): answers then carry no receipt and whoever
 * requires one refuses the action. Throws when no receipts key can sign (the transaction
 * rolls back: fail closed).
 */
export async function reissueReceipts(run: SqlRunner, settled: readonly SettledForReceipt[]): Promise<void> {
  if (settled.length === 0 || !receiptsEnabled()) return;
  const rows = await run<Row>(
    `SELECT a.id, a.receipt, a.expires_at, a.approved_input_hash,
            COALESCE((SELECT json_agg(json_build_object('userId', u.id, 'email', u.email) ORDER BY v.created_at, v.id)
                        FROM approvals v JOIN users u ON u.id = v.user_id
                       WHERE v.action_id = a.id AND v.vote = 'APPROVE'), '[]'::json) AS approvers
       FROM actions a WHERE a.id = ANY($1::text[]) AND a.receipt IS NOT NULL`,
    [settled.map((s) => s.id)],
  );
  if (rows.length === 0) return;
  const byId = new Map(settled.map((s) => [s.id, s]));
  const ids: string[] = [];
  const values: (string | null)[] = [];
  for (const row of rows) {
    const s = byId.get(row.id)!;
    let previous: Receipt | null = null;
    try {
      previous = openStoredReceipt(row.receipt, row.id);
      if (previous.payload.actionId !== row.id) throw new Error(`it states action ${previous.payload.actionId}`);
      assertIssuedByWarden(previous);
    } catch (err) {
      console.error(`[receipts] ${row.id} is ${s.status} without a receipt: ${(err as Error).message}`);
      previous = null;
    }
    let next: StoredReceipt | null = null;
    if (previous) {
      const time = s.status === "expired" && row.expires_at ? row.expires_at : s.decidedAt;
      const approvers = s.status === "approved" ? row.approvers : [];
      // Approved with changes: the receipt also states the input approved (what the agent acts on).
      const changed = s.status === "approved" && row.approved_input_hash ? { approvedInputHash: row.approved_input_hash } : {};
      next = storedReceipt(signReceipt({ ...previous.payload, status: s.status, decision: s.decision, approvers, ...changed, time: time.toISOString() }), row.id, isSealed(row.receipt));
    }
    ids.push(row.id);
    values.push(next === null ? null : JSON.stringify(next));
  }
  await run(`UPDATE actions a SET receipt = x.receipt FROM unnest($1::text[], $2::text[]) AS x(id, receipt) WHERE a.id = x.id`, [ids, values]);
}
