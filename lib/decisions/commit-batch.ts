import pg from "pg";
import { ANSWER_COLUMNS, answerOf, decidedEvent, toDbStatus, type ActionAnswer, type ActionRow, type InitialStatus, type Reason } from "../actions/index.ts";
import { openChainStatements, takeChain, writeEventsSql, type ChainHead } from "../audit/index.ts";
import { breakerEvaluator, resourceTracker } from "../breakers/index.ts";
import { budgetIdsIn, type DraftBudget } from "../budgets/index.ts";
import { clientRunner, pipeline, prepared, textArrayLiteral, type Statement } from "../db/index.ts";
import { CHANNEL } from "../events/index.ts";
import { HALT_LOCK, haltsCovering } from "../killswitch/index.ts";
import type { Receipt } from "../receipts/index.ts";
import type { Redaction } from "../redaction/index.ts";
import { enqueueSql } from "../webhooks/index.ts";
import { Containment } from "./containment.ts";
import { knownKeysSql, ReplayPrediction } from "./replay-keys.ts";
import { requestedPayloadOf, stageColumns, type DraftApproval, type StageColumns } from "./pending-approval.ts";
import { finalReceipt, receiptColumn, withStoredReceipt, withReceipt } from "./batch-receipts.ts";

/** A decision reached by policy, waiting to be made durable. */
export type Draft = {
  id: string;
  agentId: string;
  keyId: string;
  /** The agent version the action runs under (lib/releases), checked as registered. */
  version: string | null;
  action: string;
  /** The resource as stored (PII redacted). */
  resource: string;
  /** The resource as asked (grants are matched on it; never stored). */
  rawResource: string;
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
  /** The budgets it counts against and its amount in each (lib/budgets budgetsFor). */
  budgets: DraftBudget[];
  /** Pending drafts: how people are asked (stages, hand-off); see pending-approval.ts. */
  approval: DraftApproval | null;
  /** The decision receipt signed for `status` (lib/receipts), or null when receipts are off. */
  receipt: Receipt | null;
};

/** A draft's fate, by name: answered, or refused for a reason the caller maps to an error code. */
export type Outcome =
  | { ok: true; answer: ActionAnswer; replayed: boolean }
  | { ok: false; code: "unauthorized" | "idempotency_conflict" | "internal"; message: string };

type Gate = {
  key_id: string;
  revoked_at: Date | null;
  agent_id: string;
  agent_halted_at: Date | null;
  agent_halt_reason: string | null;
  agent_name: string;
  agent_owner: string;
  capabilities: unknown;
  cohort: string;
  cohort_halted_at: Date | null;
  cohort_halt_reason: string | null;
};

const GATE_SQL = `SELECT k.id AS key_id, k.revoked_at, a.id AS agent_id, a.halted_at AS agent_halted_at, a.halt_reason AS agent_halt_reason, a.name AS agent_name, a.owner AS agent_owner, a.capabilities,
       c.name AS cohort, c.halted_at AS cohort_halted_at, c.halt_reason AS cohort_halt_reason
  FROM agent_keys k JOIN agents a ON a.id = k.agent_id JOIN cohorts c ON c.id = a.cohort_id
 WHERE k.id = ANY($1::text[])`;
const GLOBAL_SQL = `SELECT halted_at, halt_reason FROM control_state WHERE id = 1`;
const HALT_SHARED_SQL = `SELECT pg_advisory_xact_lock_shared(${HALT_LOCK})`;
/** One column per array parameter (unnest keeps them aligned), so the text never varies: prepared once per connection. */
const INSERT_ACTIONS_SQL = `INSERT INTO actions (id, agent_id, cohort, action, resource, input, context, idempotency_key, request_hash, status, reasons, shadow, policy_versions, quorum, expires_at, decided_at, created_at, pii_markers, knowledge, flags, version, receipt, approval, stage_index, stage_team_id, stage_expires_at, handoff)
  SELECT id, agent_id, cohort, action, resource, input, context, idempotency_key, request_hash, status, reasons, shadow, policy_versions, quorum, expires_at, decided_at, created_at, pii_markers::text[], knowledge, flags, version, receipt, approval, stage_index, stage_team_id, stage_expires_at, handoff
    FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::jsonb[], $7::jsonb[], $8::text[], $9::text[], $10::"ActionStatus"[], $11::jsonb[], $12::jsonb[], $13::jsonb[], $14::int[], $15::timestamptz[], $16::timestamptz[], $17::timestamptz[], $18::text[], $19::jsonb[], $20::jsonb[], $21::text[], $22::text[], $23::jsonb[], $24::int[], $25::text[], $26::timestamptz[], $27::jsonb[])
      AS x(id, agent_id, cohort, action, resource, input, context, idempotency_key, request_hash, status, reasons, shadow, policy_versions, quorum, expires_at, decided_at, created_at, pii_markers, knowledge, flags, version, receipt, approval, stage_index, stage_team_id, stage_expires_at, handoff)
  ON CONFLICT (agent_id, idempotency_key) DO NOTHING RETURNING id`;
const NOTIFY_PENDING_SQL = `SELECT pg_notify('${CHANNEL.actions}', 'pending')`;
const REPLAYS_SQL = `SELECT ${ANSWER_COLUMNS}, agent_id, idempotency_key, request_hash, receipt FROM actions
  WHERE (agent_id, idempotency_key) IN (SELECT * FROM unnest($1::text[], $2::text[]))`;

/**
 * Makes a batch of decisions durable in one transaction (group commit): re-checks keys and
 * halts under the shared halt lock (the precedence of lib/killswitch), then breakers, grants
 * and budgets (containment.ts), inserts the actions (idempotency keys resolved by the unique
 * index), appends one audit event per new decision through the audit chain protocol, counts
 * the batch in the signals, and commits before anyone is answered. Three round trips, each
 * pipelined (lib/db pipeline: its statements written at once), the hot ones prepared once per
 * connection (lib/db prepared: fixed texts, variable data in array parameters).
 * Throws only on database errors (the whole batch rolled back).
 */
export async function commitBatch(client: pg.PoolClient, drafts: Draft[]): Promise<Outcome[]> {
  const run = clientRunner(client);
  // Round trip 1: open the transaction, take the shared halt lock, read keys and halts, read
  // breakers and lock the budgets the drafts count against, and open an audit chain for every
  // draft (and each budget's possible budget.exceeded event). Budgets are locked before the
  // chain head, as every other writer of both does, so no two transactions wait on each other
  // in opposite orders.
  const keyIds = [...new Set(drafts.map((d) => d.keyId))];
  const tracksResources = await resourceTracker();
  const containmentSql = Containment.openSql(drafts);
  const known = knownKeysSql(drafts);
  const events = drafts.length + budgetIdsIn(drafts).length;
  try {
    const opened = await pipeline(client, [
      "BEGIN",
      prepared(HALT_SHARED_SQL),
      prepared(GATE_SQL, [keyIds]),
      prepared(GLOBAL_SQL),
      ...containmentSql,
      ...(known ? [known] : []),
      ...openChainStatements(events),
    ]);
    const gates = opened[2]!.rows as Gate[];
    const global = (opened[3]!.rows as { halted_at: Date | null; halt_reason: string | null }[])[0];
    const containment = new Containment(opened.slice(4, 4 + containmentSql.length));
    const afterContainment = 4 + containmentSql.length;
    const prediction = new ReplayPrediction(known ? (opened[afterContainment]!.rows as { agent_id: string; idempotency_key: string }[]) : []);
    const chain = afterContainment + (known ? 1 : 0);
    const slot = await takeChain(run, events, { head: opened[chain]!.rows[0] as ChainHead | undefined, seqs: opened[chain + 1]!.rows as { seq: number }[] });
    const gateByKey = new Map(gates.map((g) => [g.key_id, g]));
    const outcomes: (Outcome | null)[] = drafts.map(() => null);
    // `stage`: a pending action's approval columns (stages, hand-off), written with the row.
    const rows: { d: Draft; i: number; status: InitialStatus; reasons: Reason[]; cohort: string; expiresAt: Date | null; receipt: Receipt | null; stage: StageColumns | null }[] = [];
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
      const replay = prediction.replays(d);
      if (halts.length) {
        rows.push({ d, i, status: "denied", reasons: halts, cohort: g.cohort, expiresAt: null, receipt: finalReceipt(d.receipt, "denied"), stage: null });
        return;
      }
      const c = containment.decide(d, g, { replay });
      // A budget that escalates an allowed draft asks people the plain way (one stage, any approver).
      const approval = c.status === "pending" ? (d.approval ?? { routing: null, handoff: null, agentName: g.agent_name, owner: g.agent_owner }) : d.approval;
      const contained = { ...d, status: c.status, quorum: c.quorum, timeoutSeconds: c.timeoutSeconds, approval };
      // Re-signed only when containment changed the status (a breaker, a grant or a budget).
      const stage = c.status === "pending" ? stageColumns(approval, Date.now()) : null;
      rows.push({ d: contained, i, status: c.status, reasons: c.reasons, cohort: g.cohort, expiresAt: expiry(contained), receipt: finalReceipt(d.receipt, c.status), stage });
    });

    // Round trip 2: the actions.
    const inserted = new Set<string>();
    if (rows.length) {
      const now = new Date().toISOString();
      const col = <T>(f: (r: (typeof rows)[number]) => T) => rows.map(f);
      const res = await client.query<{ id: string }>(
        prepared(INSERT_ACTIONS_SQL, [
          col((r) => r.d.id),
          col((r) => r.d.agentId),
          col((r) => r.cohort),
          col((r) => r.d.action),
          col((r) => r.d.resource),
          col((r) => JSON.stringify(r.d.input)),
          col((r) => JSON.stringify(r.d.context)),
          col((r) => r.d.idempotencyKey),
          col((r) => r.d.requestHash),
          col((r) => toDbStatus(r.status)),
          col((r) => JSON.stringify(r.reasons)),
          col((r) => JSON.stringify(r.d.shadow)),
          col((r) => JSON.stringify(r.d.policyVersions)),
          col((r) => r.d.quorum),
          col((r) => r.expiresAt?.toISOString() ?? null),
          col((r) => (r.status !== "pending" ? now : null)),
          col(() => now),
          col((r) => textArrayLiteral(r.d.markers)),
          col((r) => JSON.stringify(r.d.knowledge)),
          col((r) => JSON.stringify(r.d.flags)),
          col((r) => r.d.version),
          col((r) => receiptColumn(r.receipt, r.d.id, r.d.redactions.length > 0)),
          col((r) => (r.stage?.approval ? JSON.stringify(r.stage.approval) : null)),
          col((r) => r.stage?.stage_index ?? null),
          col((r) => r.stage?.stage_team_id ?? null),
          col((r) => r.stage?.stage_expires_at?.toISOString() ?? null),
          col((r) => (r.stage?.handoff ? JSON.stringify(r.stage.handoff) : null)),
        ]),
      );
      for (const r of res.rows) inserted.add(r.id);
    }

    // Retries with a key already used: answer with that action, or refuse a different body.
    const replays = rows.filter((r) => !inserted.has(r.d.id));
    if (replays.length) {
      const { rows: existing } = await client.query<ActionRow & { agent_id: string; idempotency_key: string; request_hash: string; receipt: string | null }>(
        prepared(REPLAYS_SQL, [replays.map((r) => r.d.agentId), replays.map((r) => r.d.idempotencyKey)]),
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
    const contained = containment.finish(
      inserted,
      fresh.map(({ d, status, reasons, cohort }) => ({ agentId: d.agentId, cohort, version: d.version, action: d.action, resource: d.resource, status, reasons, pii: d.redactions.length > 0 })),
      { shard: slot.heads[0]!.chain, tracksResources },
    );
    const audit = [...fresh.map(({ d, status, reasons, cohort }) => decidedEvent({ ...d, cohort, status, reasons })), ...contained.audit];
    // Round trip 3: budget reservations and breaker probes, the audit events, the chain head,
    // the notifications and webhooks, the signal counters, and the commit — before any answer.
    const finish: Statement[] = [...contained.before, ...writeEventsSql(slot, audit)];
    if (contained.webhooks.length) finish.push(enqueueSql("budget.exceeded", contained.webhooks));
    const pending = fresh.filter((r) => r.status === "pending").map((r) => ({ ...r, c: r.stage! }));
    if (pending.length) {
      finish.push(prepared(NOTIFY_PENDING_SQL));
      finish.push(enqueueSql("approval.requested", pending.map((r) => requestedPayloadOf({ ...r.d, cohort: r.cohort, reasons: r.reasons, quorum: r.d.quorum, expiresAt: r.expiresAt, approval: r.d.approval, c: r.c }))));
    }
    finish.push(...contained.after);
    const stageOf = new Map(pending.map((r) => [r.d.id, r.c]));
    await pipeline(client, [...finish, "COMMIT"]);
    for (const r of fresh) {
      outcomes[r.i] = {
        ok: true,
        replayed: false,
        answer: withReceipt(answerOf({ id: r.d.id, status: toDbStatus(r.status), reasons: r.reasons, shadow: r.d.shadow, expires_at: r.expiresAt, ...stageOf.get(r.d.id) }), r.receipt),
      };
    }
    // Breakers watching what this batch touched are evaluated soon (never throws).
    breakerEvaluator().touched(contained.scopes);
    // Every draft was refused, inserted or replayed above; after COMMIT nothing may throw
    // (the batcher would retry drafts that are already durable).
    return outcomes.map((o) => o ?? { ok: false, code: "internal", message: "decision lost" });
  } catch (err) {
    await client.query("ROLLBACK").catch(() => undefined);
    throw err;
  }
}
