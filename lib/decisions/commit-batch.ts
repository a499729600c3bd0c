import pg from "pg";
import { chainEvents, reserveSeqsSql, TAKE_FREE_HEAD_SQL, waitForHead, writeEventsSql, type AuditInput, type ChainHead, type SqlRunner } from "../audit/index.ts";
import { HALT_LOCK } from "../killswitch/index.ts";
import { enqueueSql } from "../webhooks/enqueue.ts";
import type { Reason } from "../policies/types.ts";
import type { Redaction } from "../redaction/index.ts";
import type { ActionAnswer, ActionStatusName } from "./present.ts";
import { answerOf, type ActionRow } from "./present.ts";

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
  status: "allowed" | "denied" | "pending";
  reasons: Reason[];
  shadow: Reason[];
  policyVersions: { policyId: string; version: number; matched: boolean; error?: string }[];
  quorum: number | null;
  timeoutSeconds: number | null;
};

export type Outcome = { ok: true; answer: ActionAnswer; replayed: boolean } | { ok: false; status: number; code: string; message: string };

type Gate = { key_id: string; revoked_at: Date | null; agent_id: string; agent_halted_at: Date | null; agent_halt_reason: string | null; cohort: string; cohort_halted_at: Date | null; cohort_halt_reason: string | null };

const COLS = 19;

/**
 * Makes a batch of decisions durable in one transaction (group commit): re-checks keys and
 * halts under the shared halt lock, inserts the actions (idempotency keys resolved by the
 * unique index), appends one audit event per new decision, and commits before anyone is
 * answered.
 */
export async function commitBatch(client: pg.PoolClient, drafts: Draft[]): Promise<Outcome[]> {
  const run: SqlRunner = async <T>(sql: string, params: unknown[]) => (await client.query(sql, params)).rows as T[];
  // Round trip 1: open the transaction, take the shared halt lock, read keys and halts, and
  // take a free audit chain head with enough sequence numbers for every draft.
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
       ${TAKE_FREE_HEAD_SQL};
       ${reserveSeqsSql(drafts.length)}`,
    )) as unknown as pg.QueryResult[];
    const gates = opened[2]!.rows as Gate[];
    const globalRows = opened[3]!.rows as { halted_at: Date | null; halt_reason: string | null }[];
    const free = opened[4]!.rows[0] as ChainHead | undefined;
    const head = free ?? (await waitForHead(run));
    // Seqs must be taken while holding the head: ones reserved before waiting could be lower
    // than those a writer committed on this chain meanwhile (seq order would break). The
    // unused ones are just a gap in seq, which is allowed.
    const seqs = (free ? opened[5]!.rows : await run<{ seq: number }>(reserveSeqsSql(drafts.length), [])).map((r: { seq: number }) => Number(r.seq));
    const global = globalRows[0];
    const gateByKey = new Map(gates.map((g) => [g.key_id, g]));
    const outcomes: (Outcome | null)[] = drafts.map(() => null);
    const rows: { d: Draft; i: number; status: ActionStatusName; reasons: Reason[]; cohort: string; expiresAt: Date | null }[] = [];
    const expiry = (d: Draft) => (d.status === "pending" && d.timeoutSeconds ? new Date(Date.now() + d.timeoutSeconds * 1000) : null);
    drafts.forEach((d, i) => {
      const g = gateByKey.get(d.keyId);
      if (!g || g.revoked_at || g.agent_id !== d.agentId) {
        outcomes[i] = { ok: false, status: 401, code: "unauthorized", message: "Unknown or revoked agent key" };
        return;
      }
      const halts: Reason[] = [];
      if (global?.halted_at) halts.push({ code: "global_halt", message: `Everything is halted: ${global.halt_reason ?? ""}`.trim() });
      if (g.cohort_halted_at) halts.push({ code: "cohort_halted", message: `Cohort ${g.cohort} is halted: ${g.cohort_halt_reason ?? ""}`.trim() });
      if (g.agent_halted_at) halts.push({ code: "agent_halted", message: `This agent is halted: ${g.agent_halt_reason ?? ""}`.trim() });
      if (halts.length) rows.push({ d, i, status: "denied", reasons: halts, cohort: g.cohort, expiresAt: null });
      else rows.push({ d, i, status: d.status, reasons: d.reasons, cohort: g.cohort, expiresAt: expiry(d) });
    });

    const inserted = new Set<string>();
    if (rows.length) {
      const params: unknown[] = [];
      const values = rows.map(({ d, status, reasons, cohort, expiresAt }, n) => {
        const decided = status !== "pending";
        params.push(
          d.id, d.agentId, cohort, d.action, d.resource, JSON.stringify(d.input), JSON.stringify(d.context), d.idempotencyKey, d.requestHash,
          status === "allowed" ? "ALLOW" : status === "denied" ? "DENY" : "PENDING", status.toUpperCase(),
          JSON.stringify(reasons), JSON.stringify(d.shadow), JSON.stringify(d.policyVersions), d.quorum,
          expiresAt, decided ? new Date() : null, new Date(), d.markers,
        );
        const o = n * COLS;
        return `($${o + 1}, $${o + 2}, $${o + 3}, $${o + 4}, $${o + 5}, $${o + 6}::jsonb, $${o + 7}::jsonb, $${o + 8}, $${o + 9}, $${o + 10}::"Decision", $${o + 11}::"ActionStatus", $${o + 12}::jsonb, $${o + 13}::jsonb, $${o + 14}::jsonb, $${o + 15}::int, $${o + 16}::timestamptz, $${o + 17}::timestamptz, $${o + 18}::timestamptz, $${o + 19}::text[])`;
      });
      const res = await client.query<{ id: string }>(
        `INSERT INTO actions (id, agent_id, cohort, action, resource, input, context, idempotency_key, request_hash, decision, status, reasons, shadow, policy_versions, quorum, expires_at, decided_at, created_at, pii_markers)
         VALUES ${values.join(", ")} ON CONFLICT (agent_id, idempotency_key) DO NOTHING RETURNING id`,
        params,
      );
      for (const r of res.rows) inserted.add(r.id);
    }

    // Retries with a key already used: answer with that action, or refuse a different body.
    const replays = rows.filter((r) => !inserted.has(r.d.id));
    if (replays.length) {
      const { rows: existing } = await client.query<ActionRow & { agent_id: string; idempotency_key: string; request_hash: string }>(
        `SELECT id, agent_id, idempotency_key, request_hash, status, reasons, shadow, expires_at FROM actions
          WHERE (agent_id, idempotency_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`,
        [replays.map((r) => r.d.agentId), replays.map((r) => r.d.idempotencyKey)],
      );
      const byKey = new Map(existing.map((e) => [`${e.agent_id}\u0000${e.idempotency_key}`, e]));
      for (const r of replays) {
        const e = byKey.get(`${r.d.agentId}\u0000${r.d.idempotencyKey}`);
        if (!e) outcomes[r.i] = { ok: false, status: 409, code: "idempotency_conflict", message: "This idempotency key is being used by another request" };
        else if (e.request_hash !== r.d.requestHash)
          outcomes[r.i] = { ok: false, status: 409, code: "idempotency_conflict", message: "This idempotency key was already used with a different request" };
        else outcomes[r.i] = { ok: true, answer: answerOf(e), replayed: true };
      }
    }

    const fresh = rows.filter((r) => inserted.has(r.d.id));
    const events: AuditInput[] = fresh.map(({ d, status, reasons, cohort }) => ({
      actor: `agent:${d.agentId}`,
      kind: "action.decided",
      subject: `action:${d.id}`,
      agentId: d.agentId,
      cohort,
      data: {
        action: d.action,
        resource: d.resource,
        decision: status === "pending" ? "pending" : status === "allowed" ? "allow" : "deny",
        status,
        reasons: reasons.map(briefReason),
        shadow: d.shadow.map(briefReason),
        requestHash: d.requestHash,
        idempotencyKey: d.idempotencyKey,
        ...(d.redactions.length ? { redactions: d.redactions } : {}),
      },
    }));
    // Round trip 3: the audit events, the chain head, and the commit — before any answer.
    const finish = events.length ? [...writeEventsSql(chainEvents(head, seqs, events))] : [];
    const pending = fresh.filter((r) => r.status === "pending");
    if (pending.length) {
      finish.push(`SELECT pg_notify('warden_actions', 'pending')`);
      for (const r of pending) {
        const data = { actionId: r.d.id, agentId: r.d.agentId, cohort: r.cohort, action: r.d.action, resource: r.d.resource, quorum: r.d.quorum, expiresAt: r.expiresAt?.toISOString() ?? null, reasons: r.reasons.map(briefReason) };
        finish.push(enqueueSql("approval.requested", data));
      }
    }
    await client.query(`${finish.join(";\n")}${finish.length ? ";" : ""} COMMIT`);
    for (const r of fresh) {
      outcomes[r.i] = {
        ok: true,
        replayed: false,
        answer: answerOf({
          id: r.d.id,
          status: r.status.toUpperCase(),
          reasons: r.reasons,
          shadow: r.d.shadow,
          expires_at: r.expiresAt,
        }),
      };
    }
    return outcomes.map((o) => o ?? { ok: false, status: 500, code: "internal", message: "decision lost" });
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}

function briefReason(r: Reason) {
  return { code: r.code, policyId: r.policyId, policyName: r.policyName, policyVersion: r.policyVersion, effect: r.effect, message: r.message };
}
