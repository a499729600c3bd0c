import pg from "pg";
import { prepared } from "../db/index.ts";
import type { Reason } from "../actions/index.ts";
import type { AuditInput } from "../audit/index.ts";
import type { BudgetExceededPayload } from "../webhooks/index.ts";
import type { DraftBudget } from "./applicable.ts";
import { MAX_TOTAL_MICROS, microsToNumber, microsToNumeric, numericToMicros } from "./money.ts";

/** What `budget_open` returns for each locked budget (see the budget_functions migration). */
export type OpenedBudget = {
  budget_id: string;
  name: string;
  version: number;
  scope_kind: "AGENT" | "COHORT";
  scope_value: string;
  scope_name: string;
  limit_value: string;
  unit: string;
  on_exceed: "DENY" | "REQUIRE_APPROVAL";
  approval_quorum: number;
  approval_timeout_seconds: number;
  is_distinct: boolean;
  total: string;
  watermark: Date;
  window_start: Date;
  window_end: Date;
  at: Date;
  exceeded_at: Date | null;
};

const lit = (v: string) => pg.escapeLiteral(v);

/** The budgets a batch's drafts count against, sorted (the order budget_open locks them in). */
export function budgetIdsIn(drafts: { budgets: DraftBudget[] }[]): string[] {
  return [...new Set(drafts.flatMap((d) => d.budgets.map((b) => b.budgetId)))].sort();
}

/**
 * The decision transaction's first-round-trip statements for these budgets: lock their
 * running totals and move their windows (`budget_open`), then which of the batch's resources
 * each distinct budget's window already holds. Empty when the batch touches no budget.
 */
export function budgetOpenSql(drafts: { budgets: DraftBudget[] }[]): pg.QueryConfig[] {
  const ids = budgetIdsIn(drafts);
  if (ids.length === 0) return [];
  const pairs = new Map<string, [string, string]>();
  for (const d of drafts) for (const b of d.budgets) if (b.resource !== null) pairs.set(`${b.budgetId}\u0000${b.resource}`, [b.budgetId, b.resource]);
  const list = [...pairs.values()];
  return [prepared(BUDGET_OPEN_SQL, [ids]), prepared(BUDGET_PRESENT_SQL, [list.map(([b]) => b), list.map(([, r]) => r)])];
}

// The columns named, not `*`: a prepared statement's cached plan must keep its result type, so a
// migration that adds a column to budget_open's output can't break running processes' plans.
const BUDGET_OPEN_SQL = `SELECT budget_id, name, version, scope_kind, scope_value, scope_name, limit_value, unit, on_exceed, approval_quorum,
  approval_timeout_seconds, is_distinct, total, watermark, window_start, window_end, at, exceeded_at FROM budget_open($1::text[])`;
const BUDGET_PRESENT_SQL = `SELECT r.budget_id, r.resource FROM budget_reservations r JOIN budget_states s ON s.budget_id = r.budget_id
  WHERE (r.budget_id, r.resource) IN (SELECT * FROM unnest($1::text[], $2::text[]))
    AND r.at >= s.watermark AND r.state <> 'RELEASED' GROUP BY 1, 2`;

type Reservation = { budgetId: string; actionId: string; counted: bigint; resource: string | null; state: "USED" | "RESERVED" };
type Over = { b: OpenedBudget; usedMicros: bigint; amountMicros: bigint; actionId: string; agentId: string; cohort: string };

/** What the budgets decide for one action at its turn. */
export type BudgetVerdict =
  | { verdict: "fits" }
  | { verdict: "deny"; reasons: Reason[] }
  | { verdict: "escalate"; reasons: Reason[]; quorum: number; timeoutSeconds: number };

const fmt = (micros: bigint) => microsToNumber(micros).toLocaleString("en", { maximumFractionDigits: 6 });

function windowWords(b: OpenedBudget): string {
  if (b.window_end.getTime() - b.window_start.getTime() <= 0) return "";
  return ` in its window (${b.window_start.toISOString().slice(0, 16).replace("T", " ")} → ${b.window_end.toISOString().slice(0, 16).replace("T", " ")} UTC)`;
}

/**
 * A batch's view of the budgets it locked: the running totals, updated in memory as the batch's
 * actions are decided one after the other in arrival order — so within a batch, as across
 * batches (serialised by the lock), each action sees exactly what the ones before it left.
 * The action that fits is allowed; the next one that doesn't is refused or escalated. Nothing
 * overshoots, nothing is left unused.
 */
export class BudgetLedger {
  private budgets = new Map<string, OpenedBudget>();
  private totals = new Map<string, bigint>();
  private base = new Map<string, bigint>();
  private limits = new Map<string, bigint>();
  private present = new Set<string>();
  private reservations: Reservation[] = [];
  private over: Over[] = [];

  constructor(opened: OpenedBudget[], present: { budget_id: string | null; resource: string | null }[]) {
    for (const b of opened) {
      this.budgets.set(b.budget_id, b);
      this.totals.set(b.budget_id, numericToMicros(b.total));
      this.base.set(b.budget_id, numericToMicros(b.total));
      this.limits.set(b.budget_id, numericToMicros(b.limit_value));
    }
    for (const p of present) if (p.budget_id !== null && p.resource !== null) this.present.add(`${p.budget_id}\u0000${p.resource}`);
  }

  get size(): number {
    return this.budgets.size;
  }

  private reason(b: OpenedBudget, used: bigint, amount: bigint, escalate: boolean): Reason {
    const limit = this.limits.get(b.budget_id)!;
    const what = b.is_distinct
      ? `${fmt(used)} of ${fmt(limit)} distinct resources already touched${windowWords(b)}; this would be one more`
      : `${fmt(used)} of ${fmt(limit)} ${b.unit} used${windowWords(b)}; this action needs ${fmt(amount)}`;
    return {
      code: "budget_exceeded",
      effect: escalate ? "require_approval" : "deny",
      message: `Budget ${b.name}: ${what}${escalate ? " — a person must approve it" : ""}`,
      budget: { id: b.budget_id, name: b.name, unit: b.unit, limit: microsToNumber(limit), used: microsToNumber(used), amount: microsToNumber(amount) },
    };
  }

  /**
   * Decides one action's budgets at its turn and, unless they refuse it, reserves its share in
   * each (`willBe`: the status it will have if the budgets let it through — allowed reserves as
   * used, pending as reserved; an escalation by a budget makes it pending). A budget deleted
   * since the draft was made is ignored; one changed since fails closed (budget_error).
   * `reserve: false` (a draft that will be an idempotent replay, never inserted): judged, but
   * leaves the running totals as they were for the drafts after it.
   */
  decide(a: { actionId: string; agentId: string; cohort: string; willBe: "allowed" | "pending" }, drafts: DraftBudget[], opts: { reserve?: boolean } = {}): BudgetVerdict {
    const checks: { b: OpenedBudget; d: DraftBudget; amount: bigint }[] = [];
    for (const d of drafts) {
      const b = this.budgets.get(d.budgetId);
      if (!b) continue;
      if (b.scope_kind === "AGENT" ? b.scope_value !== a.agentId : b.scope_value !== a.cohort) continue;
      if (b.version !== d.version) {
        return { verdict: "deny", reasons: [{ code: "budget_error", message: `Budget ${b.name} changed while this action was being decided; denied (fail closed) — ask again`, budget: { id: b.budget_id, name: b.name, unit: b.unit, limit: microsToNumber(this.limits.get(b.budget_id)!) } }] };
      }
      const amount = d.resource !== null ? (this.present.has(`${b.budget_id}\u0000${d.resource}`) ? 0n : 1_000_000n) : d.amountMicros;
      checks.push({ b, d, amount });
    }
    // A require_approval budget keeps reserving past its limit (escalated actions wait for a
    // person); its running total must still fit its column: refuse (fail closed) the action that
    // would overflow it, rather than fail the whole batch's transaction.
    const full = checks.find((c) => this.totals.get(c.b.budget_id)! + c.amount > MAX_TOTAL_MICROS);
    if (full) {
      const b = full.b;
      return {
        verdict: "deny",
        reasons: [{ code: "budget_error", message: `Budget ${b.name}: its running total (${fmt(this.totals.get(b.budget_id)!)} ${b.unit}, with the actions waiting for approval) can't hold ${fmt(full.amount)} more; denied (fail closed)`, budget: { id: b.budget_id, name: b.name, unit: b.unit, limit: microsToNumber(this.limits.get(b.budget_id)!), used: microsToNumber(this.totals.get(b.budget_id)!), amount: microsToNumber(full.amount) } }],
      };
    }
    const over = checks.filter((c) => this.totals.get(c.b.budget_id)! + c.amount > this.limits.get(c.b.budget_id)!);
    const denying = over.filter((c) => c.b.on_exceed === "DENY");
    const record = (list: typeof over) => {
      for (const c of list) this.over.push({ b: c.b, usedMicros: this.totals.get(c.b.budget_id)!, amountMicros: c.amount, actionId: a.actionId, agentId: a.agentId, cohort: a.cohort });
    };
    if (opts.reserve === false) {
      if (denying.length) return { verdict: "deny", reasons: denying.map((c) => this.reason(c.b, this.totals.get(c.b.budget_id)!, c.amount, false)) };
      if (over.length === 0) return { verdict: "fits" };
      return { verdict: "escalate", reasons: over.map((c) => this.reason(c.b, this.totals.get(c.b.budget_id)!, c.amount, true)), quorum: Math.max(...over.map((c) => c.b.approval_quorum)), timeoutSeconds: Math.min(...over.map((c) => c.b.approval_timeout_seconds)) };
    }
    if (denying.length) {
      record(denying);
      return { verdict: "deny", reasons: denying.map((c) => this.reason(c.b, this.totals.get(c.b.budget_id)!, c.amount, false)) };
    }
    const reasons = over.map((c) => this.reason(c.b, this.totals.get(c.b.budget_id)!, c.amount, true));
    record(over);
    const state = a.willBe === "allowed" && over.length === 0 ? "USED" : "RESERVED";
    for (const c of checks) {
      this.totals.set(c.b.budget_id, this.totals.get(c.b.budget_id)! + c.amount);
      if (c.d.resource !== null) this.present.add(`${c.b.budget_id}\u0000${c.d.resource}`);
      this.reservations.push({ budgetId: c.b.budget_id, actionId: a.actionId, counted: c.amount, resource: c.d.resource, state });
    }
    if (over.length === 0) return { verdict: "fits" };
    return {
      verdict: "escalate",
      reasons,
      quorum: Math.max(...over.map((c) => c.b.approval_quorum)),
      timeoutSeconds: Math.min(...over.map((c) => c.b.approval_timeout_seconds)),
    };
  }

  /**
   * The last round trip's statements for the actions that were really inserted (`inserted`:
   * not idempotent replays): their reservations, the new running totals, and — for a budget
   * that refused or escalated for the first time in its window — a `budget.exceeded` audit
   * event and webhook payload (returned for the caller to write with the batch's own).
   */
  finish(inserted: Set<string>): { sql: string[]; audit: AuditInput[]; webhooks: BudgetExceededPayload[] } {
    const rows = this.reservations.filter((r) => inserted.has(r.actionId));
    const sql: string[] = [];
    if (rows.length) {
      const values = rows.map((r) => {
        const b = this.budgets.get(r.budgetId)!;
        const amount = r.resource !== null ? "1" : microsToNumeric(r.counted);
        return `(${lit(r.budgetId)}, ${lit(r.actionId)}, ${amount}::numeric, ${r.resource === null ? "NULL" : lit(r.resource)}, ${lit(b.at.toISOString())}::timestamptz, '${r.state}'::"ReservationState")`;
      });
      sql.push(`INSERT INTO budget_reservations (budget_id, action_id, amount, resource, at, state) VALUES ${values.join(", ")}`);
    }
    const totals = new Map<string, bigint>();
    for (const r of rows) totals.set(r.budgetId, (totals.get(r.budgetId) ?? this.base.get(r.budgetId)!) + r.counted);
    const exceeded = new Map<string, Over>();
    for (const o of this.over) {
      if (!inserted.has(o.actionId) || exceeded.has(o.b.budget_id)) continue;
      if (o.b.exceeded_at && o.b.exceeded_at >= o.b.window_start) continue; // already said in this window
      exceeded.set(o.b.budget_id, o);
    }
    const changed = [...new Set([...totals.keys(), ...exceeded.keys()])].sort();
    if (changed.length) {
      const values = changed.map((id) => `(${lit(id)}, ${microsToNumeric(totals.get(id) ?? this.base.get(id)!)}::numeric, ${exceeded.has(id) ? "true" : "false"})`);
      sql.push(`UPDATE budget_states s SET total = v.total, exceeded_at = CASE WHEN v.ex THEN clock_timestamp() ELSE s.exceeded_at END
                  FROM (VALUES ${values.join(", ")}) AS v(id, total, ex) WHERE s.budget_id = v.id`);
    }
    const audit: AuditInput[] = [];
    const webhooks: BudgetExceededPayload[] = [];
    for (const o of exceeded.values()) {
      const payload: BudgetExceededPayload = {
        budgetId: o.b.budget_id,
        name: o.b.name,
        scope: { kind: o.b.scope_kind === "AGENT" ? "agent" : "cohort", id: o.b.scope_value, name: o.b.scope_name },
        unit: o.b.unit,
        limit: microsToNumber(this.limits.get(o.b.budget_id)!),
        used: microsToNumber(o.usedMicros),
        amount: microsToNumber(o.amountMicros),
        onExceed: o.b.on_exceed === "DENY" ? "deny" : "require_approval",
        actionId: o.actionId,
        agentId: o.agentId,
        windowStart: o.b.window_start.toISOString(),
        windowEnd: o.b.window_end.toISOString(),
      };
      webhooks.push(payload);
      audit.push({ actor: "system", kind: "budget.exceeded", subject: `budget:${o.b.budget_id}`, agentId: o.agentId, cohort: o.cohort, data: { ...payload } });
    }
    return { sql, audit, webhooks };
  }
}
