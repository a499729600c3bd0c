import pg from "pg";
import { answerOf, briefReason, decidedEvent, toDbStatus, type ActionAnswer, type ActionRow, type InitialStatus, type Reason } from "../actions/index.ts";
import { openChainSql, takeChain, writeEventsSql, type ChainHead } from "../audit/index.ts";
import { clientRunner } from "../db/index.ts";
import { CHANNEL } from "../events/index.ts";
import { HALT_LOCK, haltsCovering } from "../killswitch/index.ts";
import type { Receipt } from "../receipts/index.ts";
import type { Redaction } from "../redaction/index.ts";
import { enqueueSql } from "../webhooks/index.ts";
import { finalReceipt, receiptColumn, withStoredReceipt, withReceipt } from "./batch-receipts.ts";

/** A decision reached by policy, waiting to be made durable. */
export type Draft = {
  id: string;
  agentId: string;
  keyId: string;
  action: string;
  resource: string;
  input: Record<string, unknown>;
  context: Record<string, unknown>;
  idempotencyKey: string | null;
  requestHash: string;
  /** What PII redaction replaced in input, context and resource (kind and path, no values). */
  redactions: Redaction[];
  /** The markers the redaction wrote, for actions.pii_markers. */
  markers: string[];
  status: InitialStatus;
  reasons: Reason[];
  shadow: Reason[];
  policyVersions: { policyId: string; version: number; matched: boolean; error?: string }[];
  /** Knowledge-set versions the policies read (actions.knowledge), and flags raised at decision time (actions.flags). */
  knowledge: { set: string; version: number }[];
  flags: { kind: string; message: string }[];
  quorum: number | null;
  timeoutSeconds: number | null;
  /** The decision receipt signed for `status` (lib/receipts), or null when receipts are off. */
  receipt: Receipt | null;
};

/** A draft's fate, by name: answered, or refused for a reason the caller maps to an error code. */
export type Outcome =
  | { ok: true; answer: ActionAnswer; replayed: boolean }
  | { ok: false; code: "unauthorized" | "idempotency_conflict" | "internal"; message: string };

type Gate = { key_id: string; revoked_at: Date | null; agent_id: string; agent_halted_at: Date | null; agent_halt_reason: string | null; cohort: string; cohort_halted_at: Date | null; cohort_halt_reason: string | null };

const COLS = 21;

/**
 * Makes a batch of decisions durable in one transaction (group commit): re-checks keys and
 * halts under the shared halt lock (the precedence of lib/killswitch), inserts the actions
 * (idempotency keys resolved by the unique index), appends one audit event per new decision
 * through the audit chain protocol, and commits before anyone is answered. Three round trips.
 * Throws only on database errors (the whole batch rolled back).
 */
export async function commitBatch(client: pg.PoolClient, drafts: Draft[]): Promise<Outcome[]> {
  const run = clientRunner(client);
  // Round trip 1: open the transaction, take the shared halt lock, read keys and halts, and
  // open an audit chain for every draft.
  const keyIds = [...new Set(drafts.map((d) => d.keyId))].map((k) => pg.escapeLiteral(k)).join(", ");
  try {
    const opened = (await client.query(
      `BEGIN;
       SELECT pg_advisory_xact_lock_shared(${HALT_LOCK});
       SELECT k.id AS key_id, k.revoked_at, a.id AS agent_id, a.halted_at AS agent_halted_at, a.halt_reason AS agent_halt_reason,
              c.name AS cohort, c.halted_at AS cohort_halted_at, c.halt_reason AS cohort_halt_reason
         FROM agent_keys k JOIN agents a ON a.id = k.agent_id JOIN cohorts c ON c.id = a.cohort_id
        WHERE k.id IN (${keyIds});
       SELECT halted_at, halt_reason FROM control_state WHERE id = 1;
       ${openChainSql(drafts.length)}`,
    )) as unknown as pg.QueryResult[];
    const gates = opened[2]!.rows as Gate[];
    const global = (opened[3]!.rows as { halted_at: Date | null; halt_reason: string | null }[])[0];
    const slot = await takeChain(run, drafts.length, { head: opened[4]!.rows[0] as ChainHead | undefined, seqs: opened[5]!.rows as { seq: number }[] });
    const gateByKey = new Map(gates.map((g) => [g.key_id, g]));
    const outcomes: (Outcome | null)[] = drafts.map(() => null);
    const rows: { d: Draft; i: number; status: InitialStatus; reasons: Reason[]; cohort: string; expiresAt: Date | null; receipt: Receipt | null }[] = [];
    const expiry = (d: Draft) => (d.status === "pending" && d.timeoutSeconds ? new Date(Date.now() + d.timeoutSeconds * 1000) : null);
    const globalSwitch = global ? { haltedAt: global.halted_at, haltReason: global.halt_reason } : null;
    drafts.forEach((d, i) => {
      const g = gateByKey.get(d.keyId);
      if (!g || g.revoked_at || g.agent_id !== d.agentId) {
        outcomes[i] = { ok: false, code: "unauthorized", message: "Unknown or revoked agent key" };
        return;
      }
      const halts = haltsCovering({
        global: globalSwitch,
        cohort: { name: g.cohort, haltedAt: g.cohort_halted_at, haltReason: g.cohort_halt_reason },
        agent: { haltedAt: g.agent_halted_at, haltReason: g.agent_halt_reason },
      }).map(({ code, message }): Reason => ({ code, message }));
      if (halts.length) rows.push({ d, i, status: "denied", reasons: halts, cohort: g.cohort, expiresAt: null, receipt: finalReceipt(d.receipt, "denied") });
      else rows.push({ d, i, status: d.status, reasons: d.reasons, cohort: g.cohort, expiresAt: expiry(d), receipt: d.receipt });
    });

    // Round trip 2: the actions.
    const inserted = new Set<string>();
    if (rows.length) {
      const params: unknown[] = [];
      const values = rows.map(({ d, status, reasons, cohort, expiresAt, receipt }, n) => {
        const decided = status !== "pending";
        params.push(
          d.id, d.agentId, cohort, d.action, d.resource, JSON.stringify(d.input), JSON.stringify(d.context), d.idempotencyKey, d.requestHash,
          toDbStatus(status), JSON.stringify(reasons), JSON.stringify(d.shadow), JSON.stringify(d.policyVersions), d.quorum,
          expiresAt, decided ? new Date() : null, new Date(), d.markers, JSON.stringify(d.knowledge), JSON.stringify(d.flags),
          receiptColumn(receipt, d.id, d.redactions.length > 0),
        );
        const o = n * COLS;
        return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}, $${o + 6}::jsonb, $${o + 7}::jsonb, $${o + 8}, $${o + 9}, $${o + 10}::"ActionStatus", $${o + 11}::jsonb, $${o + 12}::jsonb, $${o + 13}::jsonb, $${o + 14}::int, $${o + 15}::timestamptz, $${o + 16}::timestamptz, $${o + 17}::timestamptz, $${o + 18}::text[], $${o + 19}::jsonb, $${o + 20}::jsonb, $${o + 21})`;
      });
      const res = await client.query<{ id: string }>(
        `INSERT INTO actions (id, agent_id, cohort, action, resource, input, context, idempotency_key, request_hash, status, reasons, shadow, policy_versions, quorum, expires_at, decided_at, created_at, pii_markers, knowledge, flags, receipt)
         VALUES ${values.join(", ")} ON CONFLICT (agent_id, idempotency_key) DO NOTHING RETURNING id`,
        params,
      );
      for (const r of res.rows) inserted.add(r.id);
    }

    // Retries with a key already used: answer with that action, or refuse a different body.
    const replays = rows.filter((r) => !inserted.has(r.d.id));
    if (replays.length) {
      const { rows: existing } = await client.query<ActionRow & { agent_id: string; idempotency_key: string; request_hash: string; receipt: string | null }>(
        `SELECT id, agent_id, idempotency_key, request_hash, status, reasons, shadow, expires_at, receipt FROM actions
          WHERE (agent_id, idempotency_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
        [replays.map((r) => r.d.agentId), replays.map((r) => r.d.idempotencyKey)],
      );
      const byKey = new Map(existing.map((e) => [`${e.agent_id}\u0000${e.idempotency_key}`, e]));
      for (const r of replays) {
        const e = byKey.get(`${r.d.agentId}\u0000${r.d.idempotencyKey}`);
        if (!e) outcomes[r.i] = { ok: false, code: "idempotency_conflict", message: "This idempotency key is being used by another request" };
        else if (e.request_hash !== r.d.requestHash) outcomes[r.i] = { ok: false, code: "idempotency_conflict", message: "This idempotency key was already used with a different request" };
        else outcomes[r.i] = { ok: true, answer: withStoredReceipt(answerOf(e), e.receipt, e.expires_at), replayed: true };
      }
    }

    const fresh = rows.filter((r) => inserted.has(r.d.id));
    const events = fresh.map(({ d, status, reasons, cohort }) => decidedEvent({ ...d, cohort, status, reasons }));
    // Round trip 3: the audit events, the chain head, the notifications and webhooks, and the
    // commit — before any answer.
    const finish = writeEventsSql(slot, events);
    const pending = fresh.filter((r) => r.status === "pending");
    if (pending.length) {
      finish.push(`SELECT pg_notify('${CHANNEL.actions}', 'pending')`);
      finish.push(
        enqueueSql(
          "approval.requested",
          pending.map((r) => ({
            actionId: r.d.id,
            agentId: r.d.agentId,
            cohort: r.cohort,
            action: r.d.action,
            resource: r.d.resource,
            quorum: r.d.quorum,
            expiresAt: r.expiresAt?.toISOString() ?? null,
            reasons: r.reasons.map(briefReason),
          })),
        ),
      );
    }
    await client.query(`${finish.join(";\n")}${finish.length ? ";" : ""} COMMIT`);
    for (const r of fresh) {
      outcomes[r.i] = {
        ok: true,
        replayed: false,
        answer: withReceipt(answerOf({ id: r.d.id, status: toDbStatus(r.status), reasons: r.reasons, shadow: r.d.shadow, expires_at: r.expiresAt }), r.receipt),
      };
    }
    // Every draft was refused, inserted or replayed above; after COMMIT nothing may throw
    // (the batcher would retry drafts that are already durable).
    return outcomes.map((o) => o ?? { ok: false, code: "internal", message: "decision lost" });
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}
